import { isUtf8 } from 'node:buffer';
import { decodeFrame, parseText, StreamDecoder, utf8Exceeds } from './decoder.js';
import { FrameTooLargeError } from './errors.js';
import { HeldBytes } from './hold.js';

const LF = 10;
const CR = 13;

/**
 * Newline-delimited JSON. The complete lines of a chunk are decoded from that chunk in place (one
 * `toString` over them, then string slices); only a line split across chunks is joined: its
 * unfinished tail is held (`HeldBytes`: small pieces copied, large ones kept as views) and joined
 * once when a later chunk brings its newline, after the size limit is checked.
 *
 * The size limit applies to the line without its `\n` and an optional `\r`. While a line is
 * unterminated at most `maxMessageBytes + 1` bytes are held (the `+ 1` leaves room for a `\r` that
 * the next chunk may show to be a line end); past that the line is reported once and every byte up
 * to the next newline is dropped.
 */
export class NdjsonDecoder extends StreamDecoder {
  /** The unterminated line. */
  private readonly pending = new HeldBytes();
  /** Dropping the rest of an oversize line until its newline. */
  private discarding = false;

  get bufferedBytes(): number {
    return this.pending.bytes;
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    const len = chunk.length;
    let from = 0;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with nothing held, finishPending() decodes the first line the same way, only by a copy
    if (this.discarding || this.pending.bytes > 0) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        if (!this.discarding) this.hold(chunk, 0, len);
        return;
      }
      if (this.discarding) {
        this.discarding = false;
      } else {
        this.finishPending(chunk, nl);
        if (this.stopped) return;
      }
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(LF);
    // Stryker disable next-line ConditionalExpression: with no newline past from, lines() gets an empty region and from stays put
    if (last >= from) {
      this.lines(chunk, from, last + 1);
      if (this.stopped) return;
      from = last + 1;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: holding zero bytes holds nothing
    if (from < len) this.hold(chunk, from, len);
  }

  /**
   * The complete lines in `chunk[start, end)` (`end` just past a newline), decoded as one string
   * and cut with `String#indexOf`/`slice`: one native call per chunk instead of a
   * `Buffer#indexOf` + `toString` pair per line, 10-25% faster on 1 MB of requests in 64 KB chunks
   * (apps/bench `codec-decode`); the slices share the decoded string, nothing is copied per line.
   */
  private lines(chunk: Buffer, start: number, end: number): void {
    const text = chunk.toString('utf8', start, end);
    // Only invalid bytes or a real U+FFFD put U+FFFD in the text (see decodeFrame). With invalid
    // bytes somewhere, take the region line by line on the bytes to tell which line is bad.
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: the byte-level path decodes valid text the same, only slower
    if (text.indexOf('\uFFFD') !== -1 && !isUtf8(chunk.subarray(start, end))) {
      this.byteLines(chunk, start, end);
      return;
    }
    // No line can exceed the limit when the whole region does not.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: checking each line finds nothing when the region is within the limit
    const checkSize = end - start > this.max;
    // Valid UTF-8 decoding to one unit per byte is ASCII: string offsets are byte offsets, so the
    // depth check can scan a line's bytes in `chunk` (faster than the string).
    // Stryker disable next-line ConditionalExpression,ArithmeticOperator: without the bytes the depth check scans the string, same verdict
    const bytes = text.length === end - start ? chunk : null;
    const handlers = this.handlers;
    const maxDepth = this.maxDepth;
    let from = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', from)) !== -1) {
      let stop = nl;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: before an empty line is the previous \n, never a CR
      if (stop > from && text.charCodeAt(stop - 1) === CR) stop--;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: parseText() skips a blank line too
      if (stop > from) {
        const line = text.slice(from, stop);
        if (checkSize && utf8Exceeds(line, this.max)) {
          handlers.onOversize(new FrameTooLargeError(this.max, Buffer.byteLength(line), false));
        } else {
          parseText(handlers, line, -1, true, maxDepth, bytes, start + from, start + stop);
        }
        if (this.stopped) return;
      }
      from = nl + 1;
    }
  }

  /** The byte-level loop over complete lines in `chunk[start, end)`. */
  private byteLines(chunk: Buffer, start: number, end: number): void {
    let nl: number;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator: the region ends just past a newline, so one is always found before end
    while (start < end && (nl = chunk.indexOf(LF, start)) !== -1 && nl < end) {
      this.line(chunk, start, nl);
      if (this.stopped) return;
      start = nl + 1;
    }
  }

  end(): void {
    // Stryker disable next-line ConditionalExpression: after stop() or end() nothing is held, so the rest does nothing
    if (this.stopped) return;
    this.stopped = true;
    // Stryker disable next-line BooleanLiteral: once stopped, push() reads nothing
    this.discarding = false;
    // Stryker disable next-line ConditionalExpression: an empty held line is an empty frame, which line() skips
    if (this.pending.bytes === 0) return;
    const joined = this.pending.take(null, 0);
    this.line(joined, 0, joined.length);
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  /** One complete line `buf[start, end)`, `end` at its `\n` (or at the end of the stream). */
  private line(buf: Buffer, start: number, end: number): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: before an empty line is the previous \n, never a CR
    if (end > start && buf[end - 1] === CR) end--;
    const size = end - start;
    // Stryker disable next-line ConditionalExpression: decodeFrame() skips an empty frame too
    if (size === 0) return;
    if (size > this.max) {
      this.handlers.onOversize(new FrameTooLargeError(this.max, size, false));
      return;
    }
    decodeFrame(this.handlers, buf, start, end, true, this.maxDepth);
  }

  /** Keeps `chunk[start, end)` as part of the unterminated line, or starts discarding it. */
  private hold(chunk: Buffer, start: number, end: number): void {
    const total = this.pending.bytes + (end - start);
    if (total > this.max + 1) {
      this.pending.clear();
      this.discarding = true;
      this.handlers.onOversize(new FrameTooLargeError(this.max, total, false));
      return;
    }
    this.pending.append(chunk, start, end, this.max + 1);
  }

  /** The pending line ends at `chunk[nl]`: check its size first, then join it once and decode. */
  private finishPending(chunk: Buffer, nl: number): void {
    // Stryker disable next-line ArithmeticOperator: line() reports the same oversize after the join; checking first only saves the copy
    let size = this.pending.bytes + nl;
    // A `\r` before the newline is not part of the frame; it may sit at the end of `pending`.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: something is held here, so size > 0 always
    if (size > 0 && (nl > 0 ? chunk[nl - 1] : this.pending.lastByte()) === CR) size--;
    // Stryker disable next-line ConditionalExpression,BlockStatement: line() reports the same oversize after the join; checking first only saves the copy
    if (size > this.max) {
      this.pending.clear();
      this.handlers.onOversize(new FrameTooLargeError(this.max, size, false));
      return;
    }
    const joined = this.pending.take(chunk, nl);
    this.line(joined, 0, joined.length);
  }
}
