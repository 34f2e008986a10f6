import {
  createDecoder,
  type DecoderOptions,
  type FrameDecoder,
  type FrameParseError,
  type FrameParseReason,
  type FrameTooLargeError,
  type Framing,
  type FramingError,
} from '../src/index.js';

export type Event =
  | { kind: 'message'; value: unknown }
  | { kind: 'parse'; reason: FrameParseReason; error: FrameParseError }
  | { kind: 'oversize'; size: number; limit: number; error: FrameTooLargeError }
  | { kind: 'framing'; error: FramingError };

export interface Recorder {
  decoder: FrameDecoder;
  events: Event[];
  messages(): unknown[];
  /** Each event's kind, a parse error's as its reason (`'json'`, `'utf8'`, `'depth'`). */
  kinds(): string[];
  /** Largest `bufferedBytes` seen after any push. */
  maxBuffered: number;
  push(chunk: Buffer): void;
  /** Pushes `bytes` as the chunks {@link split} cuts it into at `cuts`. */
  pushSplit(bytes: Buffer, cuts: readonly number[]): void;
}

/** A decoder whose handlers record every event in order. */
export function record(framing: Framing, options?: DecoderOptions): Recorder {
  const events: Event[] = [];
  const decoder = createDecoder(
    framing,
    {
      onMessage: (value) => events.push({ kind: 'message', value }),
      onParseError: (error) => events.push({ kind: 'parse', reason: error.reason, error }),
      onOversize: (error) =>
        events.push({ kind: 'oversize', size: error.size, limit: error.limit, error }),
      onFramingError: (error) => events.push({ kind: 'framing', error }),
    },
    options,
  );
  const rec: Recorder = {
    decoder,
    events,
    maxBuffered: 0,
    messages: () => events.filter((e) => e.kind === 'message').map((e) => e.value),
    kinds: () => events.map((e) => (e.kind === 'parse' ? e.reason : e.kind)),
    push(chunk) {
      decoder.push(chunk);
      if (decoder.bufferedBytes > rec.maxBuffered) rec.maxBuffered = decoder.bufferedBytes;
    },
    pushSplit(bytes, cuts) {
      for (const chunk of split(bytes, cuts)) rec.push(chunk);
    },
  };
  return rec;
}

/**
 * Splits `bytes` at the given offsets, each taken modulo `bytes.length + 1` (so any naturals a
 * property generates will do; any order, duplicates and the ends ignored).
 */
export function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const inRange = cuts.map((c) => c % (bytes.length + 1)).filter((c) => c > 0 && c < bytes.length);
  const points = [...new Set(inRange)].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(bytes.subarray(from, p));
    from = p;
  }
  parts.push(bytes.subarray(from));
  return parts;
}

/** Every single byte as its own chunk. */
export function bytewise(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) parts.push(bytes.subarray(i, i + 1));
  return parts;
}

/** What a JSON value looks like after a trip through JSON text. */
export function viaJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** A decoder that records events as strings and calls stop() at the event named `stopAt`. */
export function stopping(framing: Framing, stopAt: string, options?: DecoderOptions) {
  const seen: string[] = [];
  const decoder = createDecoder(
    framing,
    {
      onMessage(value) {
        seen.push(JSON.stringify(value));
        if (JSON.stringify(value) === stopAt) decoder.stop();
      },
      onParseError(error) {
        seen.push(error.reason);
        if (error.reason === stopAt) decoder.stop();
      },
      onOversize() {
        seen.push('oversize');
        if (stopAt === 'oversize') decoder.stop();
      },
    },
    options,
  );
  return { decoder, seen };
}
