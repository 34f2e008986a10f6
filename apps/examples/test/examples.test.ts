import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const commonjs = fileURLToPath(new URL('../src/commonjs.cjs', import.meta.url));

// Every example runs as a user would run it (`node dist/<name>.js`) so that none can rot.
async function example(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, [`${dist}${name}.js`], { timeout: 20_000 });
  return stdout;
}

describe('examples', () => {
  it('conn-pool-alone shares at most 3 sockets among 20 jobs', async () => {
    const out = await example('conn-pool-alone');
    expect(out).toContain('20 jobs answered: WORD0, WORD1, WORD2');
    expect(out).toContain('connections created: 3 (maxActive 3)');
  });

  it('worker-pool-alone bounds concurrency and refuses past maxQueue', async () => {
    const out = await example('worker-pool-alone');
    expect(out).toContain('50 jobs done, sum of squares 40425, peak running 5');
    expect(out).toContain('of 10 extra submits, 5 were refused with QueueFullError');
  });

  it('demo runs every step against a real server and closes both sides', async () => {
    const out = await example('demo');
    expect(out).toMatch(/server listening on tcp:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('{"result":30}');
    expect(out).toContain('server logged: ["hello from a notification"]');
    expect(out).toContain('[{"result":3},{"result":42},"notified","error -32602"]');
    expect(out).toMatch(/arith\.Multiply.*\{"result":42\}/);
    // The domain error is the application's own code, not -32603 (the server failed).
    expect(out).toMatch(
      /DIVISION_BY_ZERO\s+\{"code":1001,"message":"division by zero","data":\{"dividend":1,"divisor":0\}\}/,
    );
    expect(out).toContain('TimeoutError (RERPC_ERR_TIMEOUT)');
    expect(out).toMatch(/still works\s+\{"result":4\}/);
    expect(out).toContain('got [1,2,3], then unsubscribed');
    // The discovered method list (issue 18), rpc.discover itself left out.
    expect(out).toMatch(
      /rpc\.discover \(OpenRPC\) lists methods\s+\["ArithService\.Add","ArithService\.Multiply","ArithService\.Divide","log","sleep","ticker_subscribe","ticker_unsubscribe"\]/,
    );
    expect(out).toContain('"pending":0');
    expect(out).toContain('client and server closed gracefully');
  });

  it('schema-server validates params and sends only the result schema’s properties', async () => {
    const out = await example('schema-server');
    expect(out).toContain('valid params: {"id":1,"name":"Ada","age":36}');
    expect(out).not.toContain('never sent');
    expect(out).toContain('invalid params: -32602 Invalid params');
    expect(out).toContain('{"additionalProperty":"admin"}');
    expect(out).toContain('/name must NOT have fewer than 1 characters');
    expect(out).toContain('/age must be >= 0');
  });

  it('content-length frames both ways, for the client and for raw LSP-style bytes', async () => {
    const out = await example('content-length');
    expect(out).toContain('echo over content-length: ["line\\nbreaks are fine"]');
    expect(out).toContain(
      'raw reply: "Content-Length: 41\\r\\n\\r\\n{\\"jsonrpc\\":\\"2.0\\",\\"result\\":{\\"x\\":1},\\"id\\":7}"',
    );
  });

  it('unix-socket serves ArithService over a socket path', async () => {
    const out = await example('unix-socket');
    expect(out).toContain('listening on {"path":"<tmp>/arith.sock"}');
    expect(out).toContain('ArithService.Add over the socket: {"result":42}');
  });

  it('commonjs requires the packages and calls a server; the README shows it verbatim', async () => {
    const { stdout } = await run(process.execPath, [commonjs], { timeout: 20_000 });
    expect(stdout).toBe('add over CommonJS: 5\n');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`js\n${readFileSync(commonjs, 'utf8')}\`\`\``);
  });
});
