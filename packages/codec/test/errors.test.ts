import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FrameParseError, FrameTooLargeError, FramingError } from '../src/index.js';

const cases = [
  {
    Class: FrameTooLargeError,
    code: 'RERPC_ERR_FRAME_TOO_LARGE',
    make: () => new FrameTooLargeError(10, 11, false),
  },
  {
    Class: FrameParseError,
    code: 'RERPC_ERR_FRAME_PARSE',
    make: () => new FrameParseError('json', 3, { cause: new SyntaxError('x') }),
  },
  { Class: FramingError, code: 'RERPC_ERR_FRAMING', make: () => new FramingError('bad', 'X') },
] as const;

describe.each(cases)('$Class.name', ({ Class, code, make }) => {
  it('has its class name as name, a stable code, and a message saying what to do', () => {
    const error = make();
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(Class);
    expect(error.name).toBe(Class.name);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/close the connection|-32700/);
  });

  it('is recognised by instanceof across two installed copies (the Symbol.for brand)', () => {
    const foreign = Object.defineProperty(
      new Error('other copy'),
      Symbol.for(`rerpc.error.${code}`),
      {
        value: true,
      },
    );
    expect(foreign).toBeInstanceOf(Class);
    expect(new Error('plain')).not.toBeInstanceOf(Class);
    expect(null).not.toBeInstanceOf(Class);
  });

  it('is named with its code in the README errors table', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${Class.name}\``));
    expect(row, `README row for ${Class.name}`).toBeDefined();
    expect(row).toContain(`\`${code}\``);
  });
});

describe('option errors', () => {
  it('RERPC_ERR_INVALID_OPTION (a TypeError from a factory) is in the README errors table', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith('| `TypeError`'));
    expect(row, 'README row for TypeError').toBeDefined();
    expect(row).toContain('`RERPC_ERR_INVALID_OPTION`');
  });
});

describe('error details', () => {
  it('FrameTooLargeError carries limit and size', () => {
    const error = new FrameTooLargeError(10, 99, true);
    expect(error).toMatchObject({ limit: 10, size: 99 });
    expect(error.message).toContain('99 bytes declared');
  });

  it('FrameParseError carries reason, size and the SyntaxError as cause', () => {
    const cause = new SyntaxError('Unexpected token');
    const error = new FrameParseError('json', 7, { cause });
    expect(error).toMatchObject({ reason: 'json', size: 7 });
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('Unexpected token');
    expect(new FrameParseError('utf8', 2).message).toContain('not valid UTF-8');
  });

  it('FramingError keeps at most 200 characters of the header', () => {
    expect(new FramingError('bad', 'x'.repeat(500)).header).toHaveLength(200);
    expect(new FramingError('bad', 'Content-Length: x').header).toBe('Content-Length: x');
  });

  it('each message says what happened, with the numbers, and what to do', () => {
    expect(new FrameTooLargeError(10, 11, false).message).toBe(
      'A frame exceeds maxMessageBytes (10): 11 bytes seen before it was rejected; it was skipped. Raise maxMessageBytes if the peer may send messages that large, otherwise close the connection',
    );
    expect(new FrameTooLargeError(10, 99, true).message).toBe(
      'A frame exceeds maxMessageBytes (10): 99 bytes declared by its Content-Length header; it was skipped. Raise maxMessageBytes if the peer may send messages that large, otherwise close the connection',
    );
    expect(new FrameParseError('utf8', 3).message).toBe(
      'A frame of 3 bytes is not valid UTF-8 and was dropped; answer it with -32700 Parse error and check that the peer encodes its messages as UTF-8',
    );
    expect(new FrameParseError('depth', 9, { maxDepth: 2 }).message).toBe(
      'A frame of 9 bytes nests arrays and objects deeper than maxDepth (2) and was dropped before parsing; answer it with -32600 Invalid Request (id null), or raise maxDepth if the peer may send such messages',
    );
    expect(new FrameParseError('depth', 9).message).toBe(
      'A frame of 9 bytes nests arrays and objects deeper than maxDepth and was dropped before parsing; answer it with -32600 Invalid Request (id null), or raise maxDepth if the peer may send such messages',
    );
    expect(new FrameParseError('json', 4, { cause: new SyntaxError('bad token') }).message).toBe(
      "A frame of 4 bytes is not valid JSON (bad token) and was dropped; answer it with -32700 Parse error and check the peer's encoder",
    );
    expect(new FrameParseError('json', 4, { cause: 'no Error' }).message).toContain(
      'not valid JSON (no Error)',
    );
    expect(new FrameParseError('json', 4).message).toMatch(/^A frame of 4 bytes is not valid JSON/);
    expect(new FramingError('no Content-Length header', 'X: 1').message).toBe(
      'Malformed Content-Length framing: no Content-Length header; the stream cannot be resynchronised, so decoding stopped: close the connection and check that the peer uses Content-Length framing',
    );
  });
});
