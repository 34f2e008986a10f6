/** Smallest owned block: a tail of a few bytes gets room for more without a new block per push. */
const MIN_BLOCK = 64;
/**
 * A piece at least this long that fills most of its `ArrayBuffer` is kept as a view (no copy): the
 * "join once" path for a large frame arriving in socket-sized chunks. Each Buffer costs a few
 * hundred bytes of bookkeeping, which is under 10% of a piece this size.
 */
const MIN_VIEW = 4096;
/** Pieces shorter than this are copied byte by byte: cheaper than a native `Buffer#copy` call. */
const COPY_LOOP = 16;
/**
 * A frame held in one block no larger than this leaves the block for the next frame: a line split
 * across every chunk then costs no allocation (an idle decoder keeps at most this much).
 */
const SPARE_MAX = 1024;

/**
 * The bytes of one unfinished frame, in order, held so that a peer cannot make the decoder keep
 * much more memory than the bytes it sent (issue 11: 20 connections dripping single bytes made a
 * server hold ~225 bytes of RSS per byte buffered, one Buffer object per chunk).
 *
 * Small pieces are copied into owned blocks that grow geometrically (each new block about half the
 * bytes copied so far, so capacity stays under ~1.5x the bytes held, plus 64); a large piece that
 * fills most of its `ArrayBuffer` (a socket read) is kept as a view and the frame is joined once at
 * the end. No block is allocated past `limit`, the most bytes the frame may still need.
 *
 * ```
 * parts:  [view 64 KiB][block, full][view 64 KiB]   block: [used......|free]
 *          ^ earlier pieces, in order                 ^ the current block, appended to in place
 * ```
 */
export class HeldBytes {
  /** Finished pieces, in order: views of pushed chunks, or full owned blocks. */
  private parts: Buffer[] = [];
  /** The owned block being filled (after every part), or null. */
  private block: Buffer | null = null;
  private blockUsed = 0;
  /** Bytes copied into owned blocks since the last view: sizes the next block. */
  private run = 0;
  /** A small block left by the last frame, reused by the next one. */
  private spare: Buffer | null = null;
  /** Bytes held. */
  bytes = 0;

  /**
   * Appends `chunk[start, end)`.
   * @param limit the most bytes this frame can hold in all (>= `bytes + end - start`).
   */
  append(chunk: Buffer, start: number, end: number, limit: number): void {
    const n = end - start;
    // Stryker disable next-line ConditionalExpression: appending nothing copies nothing (at most a block is allocated early)
    if (n === 0) return;
    // Stryker disable BlockStatement: copying a piece instead of keeping a view holds the same bytes, in less memory
    if (
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a piece copied instead of kept holds the same bytes (see above)
      n >= MIN_VIEW &&
      // Stryker disable next-line EqualityOperator,ArithmeticOperator: a piece of exactly 3/4 (or every piece) copied holds the same bytes; issue-11.test.ts pins that a quarter is copied
      n * 4 >= chunk.buffer.byteLength * 3
    ) {
      this.seal();
      this.parts.push(chunk.subarray(start, end));
      this.run = 0;
      this.bytes += n;
      return;
    }
    // Stryker restore BlockStatement
    let block = this.block;
    let at = this.blockUsed;
    // Stryker disable next-line EqualityOperator: a piece that exactly fills the block, split there or not, holds the same bytes
    if (block !== null && at + n > block.length) {
      // Fill the current block, then start the next one with the rest.
      const fit = block.length - at;
      copy(chunk, start, start + fit, block, at);
      this.parts.push(block);
      this.bytes += fit;
      this.run += fit;
      start += fit;
      block = null;
    }
    const rest = end - start;
    if (block === null) {
      const spare = this.spare;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a spare reused or not (a new block instead): only an allocation differs
      if (spare !== null && spare.length >= rest) {
        block = spare;
        this.spare = null;
      } else {
        const size = Math.max(rest, MIN_BLOCK, this.run >>> 1);
        // Stryker disable next-line ArithmeticOperator: a larger cap is still `size`, under 1.5x the bytes held plus 64 (a test bounds the memory)
        block = Buffer.allocUnsafeSlow(Math.min(size, limit - this.bytes));
      }
      this.block = block;
      at = 0;
    }
    copy(chunk, start, end, block, at);
    this.blockUsed = at + rest;
    this.bytes += rest;
    this.run += rest;
  }

  /** The last byte held; call it only while something is held. */
  lastByte(): number {
    if (this.blockUsed > 0) return this.block![this.blockUsed - 1]!;
    const last = this.parts[this.parts.length - 1]!;
    return last[last.length - 1]!;
  }

  /**
   * The held bytes followed by `chunk[0, upTo)`, as one Buffer (a copy only when the frame is in
   * more than one piece), and forgets them.
   */
  take(chunk: Buffer | null, upTo: number): Buffer {
    const total = this.bytes + upTo;
    const block = this.block;
    let out: Buffer;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path: the join below gives the same bytes (and with no parts, something held is in the block)
    if (this.parts.length === 0 && block !== null && block.length - this.blockUsed >= upTo) {
      // Everything fits in the one block: no join. The caller decodes `out` before the next
      // append (handlers may not push), so a small block can serve the next frame.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: copying 0 bytes copies nothing
      if (upTo > 0) copy(chunk!, 0, upTo, block, this.blockUsed);
      out = block.subarray(0, total);
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: memory only: how large a block an idle decoder keeps for the next frame (an internal buffer no test can reach)
      if (block.length <= SPARE_MAX) {
        this.clear();
        this.spare = block;
        return out;
      }
    } else {
      this.seal();
      const parts = this.parts;
      if (upTo > 0) parts.push(chunk!.subarray(0, upTo));
      // Stryker disable next-line ConditionalExpression: a fast path: concat of one part copies the same bytes
      out = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
    }
    this.clear();
    return out;
  }

  /** Forgets the held bytes (a spare block is kept). */
  clear(): void {
    this.parts = [];
    this.block = null;
    this.blockUsed = 0;
    this.run = 0;
    this.bytes = 0;
  }

  /** Moves the current block into `parts` (its free room is given up). */
  private seal(): void {
    const block = this.block;
    if (block === null) return;
    // A current block holds at least one byte (append() sets one only to copy bytes into it).
    const used = this.blockUsed;
    // Stryker disable next-line ConditionalExpression: a full block pushed as a view of all of it holds the same bytes
    this.parts.push(used === block.length ? block : block.subarray(0, used));
    this.block = null;
    this.blockUsed = 0;
  }
}

function copy(from: Buffer, start: number, end: number, to: Buffer, at: number): void {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: the byte loop and Buffer#copy copy the same bytes; only speed differs
  if (end - start < COPY_LOOP) {
    // Stryker disable next-line EqualityOperator: a byte past the piece lands in the block's free room (overwritten by the next append) or past its end (ignored)
    for (let i = start; i < end; i++) to[at++] = from[i]!;
  } else {
    from.copy(to, at, start, end);
  }
}
