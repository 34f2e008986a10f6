import { isAscii } from 'node:buffer';
import { decodeFrame, parseText, StreamDecoder } from './decoder.js';
import { FrameParseError, FrameTooLargeError, FramingError } from './errors.js';
import { HeldBytes } from './hold.js';

/** A header block larger than this cannot be legitimate (LSP sends one or two short lines). */
const MAX_HEADER_BYTES = 8192;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const PREFIX = Buffer.from('Content-Length: ', 'latin1');
const DIGITS = /^[0-9]{1,15}$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

const HEADER = 0;
const BODY = 1;
const SKIP = 2;

/**
 * Content-Length framing (LSP style): `Content-Length: <bytes>\r\n` (other headers such as
 * `Content-Type` are allowed and ignored) `\r\n`, then exactly that many bytes of JSON.
 *
 * A body wholly inside one chunk is parsed from that chunk without a copy; a split body is held
 * (`HeldBytes`: small pieces copied, large ones kept as views) and joined once. A declared length
 * over the limit is reported at once and that many bytes are skipped, never held; a split header
 * is copied into one owned buffer of at most 8 KiB. A malformed header cannot be skipped (nothing
 * tells where the next frame starts), so the decoder reports it and stops.
 */
export class ContentLengthDecoder extends StreamDecoder {
  private state = HEADER;
  /**
   * Unfinished header bytes, copied into an owned buffer grown by doubling (headers are tiny; the
   * copies stay under 16 KiB in all); `headerBytes` of it are used.
   */
  private header: Buffer | null = null;
  private headerBytes = 0;
  /** Body length declared by the current header, or bytes left to skip in SKIP. */
  private need = 0;
  private readonly body = new HeldBytes();
  /** Out-value of `fastHeader`. */
  private fastLength = 0;

  get bufferedBytes(): number {
    return this.headerBytes + this.body.bytes;
  }

  push(chunk: Buffer): void {
    const len = chunk.length;
    let pos = 0;
    // When a chunk holds several frames and is all ASCII, it is decoded once and each body is a
    // slice of that string (byte offsets equal string offsets): one native call per chunk rather
    // than one per frame. 0 = not decided yet, 1 = ASCII (in `text`), -1 = not ASCII.
    let ascii = 0;
    // Stryker disable next-line StringLiteral: assigned before it is read (when ascii becomes 1)
    let text = '';
    while (pos < len && !this.stopped) {
      if (this.state === HEADER) {
        pos = this.readHeader(chunk, pos);
      } else if (this.state === BODY) {
        const need = this.need;
        const body = this.body;
        // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: a fast path: holding the body and joining it (below) gives the same frame after a copy
        if (body.bytes === 0 && len - pos >= need) {
          // The whole body is in this chunk: decode it in place.
          const end = pos + need;
          this.state = HEADER;
          // Stryker disable ConditionalExpression,LogicalOperator,EqualityOperator,BlockStatement: which of the same bytes is parsed (the chunk's ASCII text or the bytes) changes no result, only the number of native calls
          if (ascii === 0 && end < len) {
            ascii = isAscii(chunk) ? 1 : -1;
            if (ascii === 1) text = chunk.toString('latin1');
          }
          if (ascii === 1) {
            const body = text.slice(pos, end);
            parseText(this.handlers, body, need, false, this.maxDepth, chunk, pos, end);
          } else {
            decodeFrame(this.handlers, chunk, pos, end, false, this.maxDepth);
          }
          // Stryker restore ConditionalExpression,LogicalOperator,EqualityOperator,BlockStatement
          pos = end;
          continue;
        }
        const take = Math.min(need - body.bytes, len - pos);
        body.append(chunk, pos, pos + take, need);
        pos += take;
        if (body.bytes === need) {
          const joined = body.take(null, 0);
          this.state = HEADER;
          decodeFrame(this.handlers, joined, 0, need, false, this.maxDepth);
        }
      } else {
        const take = Math.min(this.need, len - pos);
        this.need -= take;
        pos += take;
        if (this.need === 0) this.state = HEADER;
      }
    }
  }

  end(): void {
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.header = null;
    this.headerBytes = 0;
    this.body.clear();
  }

  /** Reads a header starting at `chunk[pos]`; returns the position after what it consumed. */
  private readHeader(chunk: Buffer, pos: number): number {
    const len = chunk.length;
    const held = this.headerBytes;
    if (held === 0) {
      const body = this.fastHeader(chunk, pos);
      // Stryker disable next-line ConditionalExpression,BlockStatement: a fast path: the general parser below reads the same header
      if (body !== -1) {
        this.onLength(this.fastLength);
        return body;
      }
      const at = chunk.indexOf(HEADER_END, pos);
      if (at === -1) {
        if (len - pos > MAX_HEADER_BYTES + 3) {
          this.framingError('no header end (\\r\\n\\r\\n) within 8192 bytes', chunk, pos, len);
        } else {
          this.holdHeader(chunk, pos, len);
        }
        return len;
      }
      if (at - pos > MAX_HEADER_BYTES) {
        this.framingError('header longer than 8192 bytes', chunk, pos, at);
        return len;
      }
      this.onHeader(chunk.toString('latin1', pos, at));
      return at + 4;
    }
    // Add no more of this chunk than a header could still need. (A header is held only between
    // chunks, so pos is 0 here; holdHeader's buffer stops at 8196 bytes either way.)
    // Stryker disable next-line ArithmeticOperator: pos is 0, and a larger take copies no more (see above)
    const take = Math.min(len - pos, MAX_HEADER_BYTES + 4 - held);
    this.holdHeader(chunk, pos, pos + take);
    const joined = this.header!;
    const size = this.headerBytes;
    // Only the used part: the buffer's free room is uninitialised memory.
    const at = joined.subarray(0, size).indexOf(HEADER_END, Math.max(0, held - 3));
    if (at === -1) {
      if (size > MAX_HEADER_BYTES + 3) {
        this.framingError('no header end (\\r\\n\\r\\n) within 8192 bytes', joined, 0, size);
        return len;
      }
      return pos + take;
    }
    this.header = null;
    this.headerBytes = 0;
    // No check for a header over 8192 bytes here: with at most 8196 bytes held, the end found
    // leaves at most 8192 before it (a longer header is reported above as having no end).
    this.onHeader(joined.toString('latin1', 0, at));
    return pos + (at + 4 - held);
  }

  /** Copies `chunk[start, end)` after the held header bytes (at most MAX_HEADER_BYTES + 4 in all). */
  private holdHeader(chunk: Buffer, start: number, end: number): void {
    const used = this.headerBytes;
    const need = used + (end - start);
    let header = this.header;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a new buffer where the old one had room holds the same bytes
    if (header === null || header.length < need) {
      // Stryker disable next-line ArithmeticOperator: the growth step only: any size from need up holds the same bytes (a test bounds the memory)
      const size = Math.min(MAX_HEADER_BYTES + 4, Math.max(need, 64, used * 2));
      const grown = Buffer.allocUnsafeSlow(size);
      if (header !== null) header.copy(grown, 0, 0, used);
      header = grown;
      this.header = grown;
    }
    chunk.copy(header, used, start, end);
    this.headerBytes = need;
  }

  /**
   * The usual header, exactly `Content-Length: <digits>\r\n\r\n`, read byte by byte in JS: no
   * native `indexOf`/`toString` call per frame. Returns where the body starts (the length is left
   * in `fastLength`), or -1 to take the general path.
   */
  private fastHeader(chunk: Buffer, pos: number): number {
    const len = chunk.length;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: a shortcut: the checks below return -1 for fewer than 21 bytes too
    if (len - pos < 21) return -1;
    // Stryker disable next-line EqualityOperator: a 17th prefix byte (undefined) never matches: -1, the general path
    for (let i = 0; i < 16; i++) {
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: -1 is the general path; the bytes before the header match the prefix backwards only by contrivance
      if (chunk[pos + i] !== PREFIX[i]) return -1;
    }
    let p = pos + 16;
    let n = 0;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,UpdateOperator: CR and LF are below '0': a run not stopped at the first non-digit swallows the \r\n\r\n and the check below returns -1 (the general path), as a run stopped at a '0' does
    for (let c = chunk[p]!; c >= 48 && c <= 57 && p < len; c = chunk[++p]!) n = n * 10 + (c - 48);
    // Stryker disable next-line ArithmeticOperator: a miscount is 16 or more, sent to the general path below
    const digits = p - pos - 16;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: -1 more often is the general path, which reads the same header; 0 and 16 digits are tested
    if (digits === 0 || digits > 15 || p + 4 > len) return -1;
    // Stryker disable next-line ConditionalExpression,ArithmeticOperator: always -1 is the general path; chunk[p - k] is a digit or the prefix, never CR or LF: -1, the general path
    if (chunk[p] !== 13 || chunk[p + 1] !== 10 || chunk[p + 2] !== 13 || chunk[p + 3] !== 10) {
      return -1;
    }
    this.fastLength = n;
    return p + 4;
  }

  private onHeader(text: string): void {
    const length = parseContentLength(text);
    if (typeof length === 'string') {
      this.framingError(length, null, 0, 0, text);
      return;
    }
    this.onLength(length);
  }

  private onLength(length: number): void {
    if (length > this.max) {
      this.state = SKIP;
      this.need = length;
      this.handlers.onOversize(new FrameTooLargeError(this.max, length, true));
      return;
    }
    if (length === 0) {
      this.handlers.onParseError(new FrameParseError('json', 0, { cause: emptyBodyError() }));
      return;
    }
    this.state = BODY;
    this.need = length;
  }

  private framingError(
    detail: string,
    buf: Buffer | null,
    start: number,
    end: number,
    text?: string,
  ): void {
    this.stop();
    // FramingError keeps the first 200 characters.
    const header = text ?? buf!.toString('latin1', start, end);
    const error = new FramingError(detail, header);
    if (this.handlers.onFramingError === undefined) throw error;
    this.handlers.onFramingError(error);
  }
}

function emptyBodyError(): unknown {
  try {
    JSON.parse('');
  } catch (err) {
    return err;
  }
  return undefined;
}

/** The declared body length, or a string saying what is wrong with the header block. */
function parseContentLength(text: string): number | string {
  // No fast path: `fastHeader` reads the usual header when it is whole in one chunk; this is for
  // a split or unusual one.
  let length = -1;
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    const m = HEADER_LINE.exec(line);
    if (m === null) return `malformed header line ${JSON.stringify(line.slice(0, 100))}`;
    if (m[1]!.toLowerCase() !== 'content-length') continue;
    const value = m[2]!;
    if (!DIGITS.test(value)) {
      return `Content-Length must be a decimal byte count, got ${JSON.stringify(value.slice(0, 100))}`;
    }
    const n = Number(value);
    if (length !== -1 && length !== n)
      return `conflicting Content-Length headers (${length}, ${n})`;
    length = n;
  }
  if (length === -1) return 'no Content-Length header';
  return length;
}
