// mcp-server.js against the official MCP SDK's client (spawned over stdio, as an AI client
// would), the same server over raw stdio bytes, and the reverse: rerpc's client driving a server
// built with the SDK (mcp-sdk-server.js).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { createClient } from '@rerpc/client';
import { spawnNode } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';

const dist = (name: string) => fileURLToPath(new URL(`../dist/${name}.js`, import.meta.url));

/** Log messages as they arrive; `logged(text)` resolves at the first one with that data. */
function logBook() {
  const seen: unknown[] = [];
  const waiting: Array<{ data: string; resolve: () => void }> = [];
  return {
    seen,
    add(data: unknown) {
      seen.push(data);
      for (const w of waiting) if (w.data === data) w.resolve();
    },
    logged(data: string): Promise<void> {
      if (seen.includes(data)) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ data, resolve }));
    },
  };
}

const textOf = (result: object) =>
  ((result as { content: Array<{ text: string }> }).content ?? []).map((c) => c.text).join('');

describe('mcp-server with the official SDK client', () => {
  it('lists and calls tools, reports progress, cancels, reads a resource, exits on close', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [dist('mcp-server')],
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: 'rerpc-test', version: '1.0.0' });
    // Any unparsable stdout line or a response to an unknown id (an answered cancel) lands here.
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    const logs = logBook();
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.add(n.params.data));
    await client.connect(transport, { timeout: 30_000 });
    onTestFinished(() => client.close());

    expect(client.getServerVersion()).toEqual({ name: 'rerpc-example', version: '1.0.0' });
    expect(client.getServerCapabilities()).toEqual({ tools: {}, resources: {}, logging: {} });
    await client.ping();

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['add', 'echo', 'countdown']);
    expect(tools[0]!.inputSchema).toEqual({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer' } },
      required: ['a', 'b'],
      additionalProperties: false,
    });

    expect(textOf(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }))).toBe('5');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hi' } }))).toBe('hi');
    await logs.logged('echo: 2 characters');

    // Bad input never reaches the tool: the registry's compiled schema answers a tool error.
    const bad = await client.callTool({ name: 'add', arguments: { a: 1, b: 'x', c: 0 } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toBe(
      'Invalid arguments for tool add: / must NOT have additional properties; /b must be integer',
    );
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Unknown tool: nope'),
    });

    const progress: number[] = [];
    const done = await client.callTool(
      { name: 'countdown', arguments: { from: 3, stepMs: 0 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(textOf(done)).toBe('liftoff');
    // A prefix: the SDK runs progress handlers a microtask late but drops them as the response
    // arrives, so progress read in the same chunk as the answer is lost (and reported to
    // onerror as an unknown token). The raw test below sees all of it on the wire.
    expect(progress).toEqual([0, 1, 2].slice(0, progress.length));

    // Cancel a long countdown at its first progress: the SDK sends notifications/cancelled
    // { requestId }, the tool's signal aborts (it logs so), and nothing is answered for it.
    const controller = new AbortController();
    const cancelled = client.callTool(
      { name: 'countdown', arguments: { from: 100, stepMs: 60_000 } },
      undefined,
      { signal: controller.signal, onprogress: () => controller.abort('enough') },
    );
    await expect(cancelled).rejects.toThrow();
    await logs.logged('countdown cancelled');

    const { resources } = await client.listResources();
    expect(resources).toEqual([
      {
        uri: 'rerpc://stats',
        name: 'stats',
        description: 'rerpc server stats',
        mimeType: 'application/json',
      },
    ]);
    const read = await client.readResource({ uri: 'rerpc://stats' });
    const stats = JSON.parse((read.contents[0] as { text: string }).text);
    expect(stats.errors).toMatchObject({ '-32800': 1 });
    await expect(client.readResource({ uri: 'rerpc://none' })).rejects.toBeInstanceOf(McpError);

    const unknownProgress = /progress notification for an unknown token/;
    expect(errors.filter((e) => !unknownProgress.test(e.message))).toEqual([]);
    const stderrEnded = finished(transport.stderr as PassThrough);
    await client.close(); // ends the child's stdin
    await stderrEnded;
    expect(stderr).toContain('mcp-server: stdin closed, server closed');
  });
});

describe('mcp-server over raw stdio', () => {
  it('negotiates the version, honours logging/setLevel, writes only frames, exits 0', async () => {
    const { child, stdout, stderr, exited } = spawnNode([dist('mcp-server')]);
    const initialize = (id: number, protocolVersion: string) => ({
      jsonrpc: '2.0',
      id,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    });
    const call = (id: number, name: string, args: object) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name, arguments: args },
    });
    const lines = [
      JSON.stringify(initialize(1, '2024-11-05')),
      JSON.stringify(initialize(2, '1999-01-01')),
      JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      JSON.stringify(call(3, 'echo', { text: 'a' })),
      JSON.stringify({
        jsonrpc: '2.0',
        id: 4,
        method: 'logging/setLevel',
        params: { level: 'warning' },
      }),
      JSON.stringify(call(5, 'echo', { text: 'b' })),
      'not json',
      JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { arguments: {} } }),
      JSON.stringify({
        ...call(7, 'countdown', { from: 2, stepMs: 0 }),
        params: {
          name: 'countdown',
          arguments: { from: 2, stepMs: 0 },
          _meta: { progressToken: 'p' },
        },
      }),
    ];
    child.stdin.end(`${lines.join('\n')}\n`);
    const [code] = await exited;
    expect(code).toBe(0);

    // Every stdout line is one JSON-RPC message; nothing else reaches stdout.
    const out = stdout()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    const byId = (id: number | null) => out.find((m) => m.id === id && m.method === undefined);
    expect(byId(1).result.protocolVersion).toBe('2024-11-05');
    expect(byId(2).result.protocolVersion).toBe('2025-11-25');
    expect(byId(3).result).toEqual({ content: [{ type: 'text', text: 'a' }] });
    expect(byId(4).result).toEqual({});
    expect(byId(5).result).toEqual({ content: [{ type: 'text', text: 'b' }] });
    expect(byId(null).error.code).toBe(-32700);
    // A malformed tools/call is refused by the method's params schema before it runs.
    expect(byId(6).error).toMatchObject({ code: -32602, message: 'Invalid params' });
    // The info log of the first echo only: the second came after setLevel('warning').
    expect(out.filter((m) => m.method === 'notifications/message')).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: { level: 'info', logger: 'rerpc-example', data: 'echo: 1 characters' },
      },
    ]);
    expect(byId(7).result).toEqual({ content: [{ type: 'text', text: 'liftoff' }] });
    expect(out.filter((m) => m.method === 'notifications/progress').map((m) => m.params)).toEqual([
      { progressToken: 'p', progress: 0, total: 2, message: '2 to go' },
      { progressToken: 'p', progress: 1, total: 2, message: '1 to go' },
    ]);
    expect(out.indexOf(byId(7))).toBeGreaterThan(
      out.findLastIndex((m) => m.method === 'notifications/progress'),
    );
    expect(out).toHaveLength(11);
    expect(stderr()).toBe('mcp-server: stdin closed, server closed\n');
  });
});

describe('rerpc client against a server built with the SDK', () => {
  it('initializes, lists, calls and cancels a tool over the child process stdio (NDJSON)', async () => {
    const child = spawn(process.execPath, [dist('mcp-sdk-server')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill();
    });
    const exited = once(child, 'exit');
    // MCP's cancel: notifications/cancelled { requestId }, never answered.
    const cancelMethod = { method: 'notifications/cancelled', idParam: 'requestId', answer: false };
    const client = createClient(
      { readable: child.stdout, writable: child.stdin },
      { framing: 'ndjson', cancelMethod },
    );
    const logs = logBook();
    client.onNotification('notifications/message', (params: { data: unknown }) => {
      logs.add(params.data);
    });
    onTestFinished(() => client.close());
    const init = await client.call<{ protocolVersion: string; serverInfo: object }>(
      'initialize',
      {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'rerpc', version: '0.0.0' },
      },
      { timeout: 30_000 },
    );
    expect(init.protocolVersion).toBe('2025-06-18');
    expect(init.serverInfo).toEqual({ name: 'sdk-example', version: '1.0.0' });
    await client.notify('notifications/initialized');
    const { tools } = await client.call<{ tools: Array<{ name: string }> }>('tools/list', {});
    expect(tools.map((t) => t.name)).toEqual(['add', 'echo', 'wait']);
    expect(await client.call('tools/call', { name: 'add', arguments: { a: 2, b: 3 } })).toEqual({
      content: [{ type: 'text', text: '5' }],
    });
    // Aborting the call sends notifications/cancelled { requestId }: the SDK aborts the tool.
    const controller = new AbortController();
    const waiting = client.call('tools/call', { name: 'wait' }, { signal: controller.signal });
    void waiting.catch(() => {});
    // A round trip after the request was written, so the SDK is running the tool.
    await client.call('ping', {});
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    await logs.logged('wait cancelled');
    expect(client.stats().cancelsSent).toBe(1);
    await client.close(); // ends the child's stdin
    expect((await exited)[0]).toBe(0);
  });
});

describe('the README guide', () => {
  it('shows src/mcp-server.ts verbatim, and it is under 60 lines', () => {
    const source = readFileSync(new URL('../src/mcp-server.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${source}\`\`\``);
    expect(source.split('\n').length - 1).toBeLessThan(60);
  });
});
