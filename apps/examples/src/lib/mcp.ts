// The Model Context Protocol's method shapes on a rerpc server: the lifecycle with version
// negotiation, tools whose input schemas @rerpc/registry compiles once (validated before a tool
// runs), one-shot resources, logging and progress. What MCP needs that any JSON-RPC peer does
// (notifications from a handler, a cancel notification that aborts `ctx.signal`, stdout kept to
// frames, serving stdin/stdout with NDJSON) is rerpc's own; this file only speaks MCP.
import { createRegistry, type Registry } from '@rerpc/registry';
import {
  type CallContext,
  createServer,
  type JsonSchema,
  RpcError,
  type Server,
  type ServerOptions,
} from '@rerpc/server';

/** The MCP revisions this server speaks, newest first (the SDK 1.x client asks for the first). */
export const PROTOCOL_VERSIONS: readonly string[] = [
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
];

/** The client's version when this server speaks it, else the newest it does (MCP's rule). */
export function negotiate(requested: string): string {
  return PROTOCOL_VERSIONS.includes(requested) ? requested : PROTOCOL_VERSIONS[0]!;
}

const LEVELS = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] as const;
/** MCP's log levels (syslog's), least severe first. */
export type LogLevel = (typeof LEVELS)[number];

/** What a tool gets besides its arguments. */
export interface ToolCall {
  /** Aborts when the client sends `notifications/cancelled` for this call (or goes away). */
  readonly signal: AbortSignal;
  /** Sends `notifications/progress`, if the client asked for progress. */
  progress(progress: number, total?: number, message?: string): void;
  /** Sends `notifications/message` at `level`, unless below the client's `logging/setLevel`. */
  log(level: LogLevel, data: unknown): void;
}

export interface ToolDefinition {
  description: string;
  /** A JSON Schema for the arguments, compiled once by @rerpc/registry (ajv). */
  inputSchema: JsonSchema;
}

export interface ResourceDefinition {
  name: string;
  description?: string;
  mimeType: string;
}

/** A tool's answer: text, or a whole MCP `CallToolResult`. */
type ToolResult = string | { content: unknown[]; isError?: boolean; structuredContent?: object };

interface CallParams {
  name: string;
  arguments?: object;
  _meta?: { progressToken?: string | number };
}

const text = (value: string, isError = false) => ({
  content: [{ type: 'text', text: value }],
  ...(isError ? { isError } : {}),
});

class Call implements ToolCall {
  constructor(
    private readonly ctx: CallContext,
    private readonly token: string | number | undefined,
    private readonly logger: string,
  ) {}
  get signal(): AbortSignal {
    return this.ctx.signal;
  }
  progress(progress: number, total?: number, message?: string): void {
    if (this.token === undefined) return;
    this.ctx.peer?.notify('notifications/progress', {
      progressToken: this.token,
      progress,
      ...(total === undefined ? {} : { total }),
      ...(message === undefined ? {} : { message }),
    });
  }
  log(level: LogLevel, data: unknown): void {
    const peer = this.ctx.peer;
    const min = (peer?.state['logLevel'] as LogLevel | undefined) ?? 'info';
    if (peer === null || LEVELS.indexOf(level) < LEVELS.indexOf(min)) return;
    peer.notify('notifications/message', { level, logger: this.logger, data });
  }
}

const object = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required,
});

export interface McpServer {
  /** The rerpc server underneath: `stats()`, `close()`, more methods. */
  readonly rpc: Server;
  tool<A>(
    name: string,
    definition: ToolDefinition,
    run: (args: A, call: ToolCall) => unknown,
  ): void;
  resource(uri: string, definition: ResourceDefinition, read: () => string): void;
  /** Serves MCP on stdin/stdout (NDJSON) until stdin ends, then closes the server. */
  serveStdio(): Promise<void>;
}

/**
 * An MCP server over rerpc. `options` are @rerpc/server's; MCP's cancellation is set here:
 * `notifications/cancelled` `{ requestId }` aborts the call's signal and is not answered.
 */
export function createMcpServer(
  info: { name: string; version: string; instructions?: string },
  options: ServerOptions = {},
): McpServer {
  const rpc = createServer({
    // A tool may run long (the client decides when to give up), and a stdio client is one
    // process talking to one server: no handler timeout.
    handlerTimeout: 0,
    ...options,
    cancelMethod: { method: 'notifications/cancelled', idParam: 'requestId', answer: false },
  });
  const tools: Registry = createRegistry();
  const descriptions = new Map<string, string>();
  const resources = new Map<string, { definition: ResourceDefinition; read: () => string }>();

  rpc.method(
    'initialize',
    (params: { protocolVersion: string }) => ({
      protocolVersion: negotiate(params.protocolVersion),
      capabilities: { tools: {}, resources: {}, logging: {} },
      serverInfo: { name: info.name, version: info.version },
      ...(info.instructions === undefined ? {} : { instructions: info.instructions }),
    }),
    {
      params: object({ protocolVersion: { type: 'string' }, capabilities: { type: 'object' } }, [
        'protocolVersion',
      ]),
    },
  );
  rpc.method('notifications/initialized', () => {});
  rpc.method('ping', () => ({}));
  rpc.method(
    'logging/setLevel',
    (params: { level: LogLevel }, ctx: CallContext) => {
      if (ctx.peer !== null) ctx.peer.state['logLevel'] = params.level;
      return {};
    },
    { params: object({ level: { enum: [...LEVELS] } }, ['level']) },
  );

  rpc.method('tools/list', () => ({
    tools: tools.list().map((t) => ({
      name: t.name,
      description: descriptions.get(t.name),
      inputSchema: t.params,
    })),
  }));
  rpc.method(
    'tools/call',
    async (params: CallParams, ctx: CallContext) => {
      const tool = tools.get(params.name);
      if (tool === undefined) throw new RpcError(-32602, `Unknown tool: ${params.name}`);
      const args = params.arguments ?? {};
      // Bad arguments are a tool error the model can read and correct, as the SDK answers them.
      const invalid = tool.validate?.(args) ?? null;
      if (invalid !== null) {
        const problems = (invalid.data as { path: string; message: string }[])
          .map((p) => `${p.path} ${p.message}`)
          .join('; ');
        return text(`Invalid arguments for tool ${params.name}: ${problems}`, true);
      }
      const call = new Call(ctx, params._meta?.progressToken, info.name);
      try {
        const result = (await tool.handler(args, call)) as ToolResult;
        return typeof result === 'string' ? text(result) : result;
      } catch (error) {
        if (error instanceof RpcError) throw error;
        return text(error instanceof Error ? error.message : String(error), true);
      }
    },
    {
      params: object(
        { name: { type: 'string' }, arguments: { type: 'object' }, _meta: { type: 'object' } },
        ['name'],
      ),
    },
  );

  rpc.method('resources/list', () => ({
    resources: [...resources].map(([uri, r]) => ({ uri, ...r.definition })),
  }));
  rpc.method(
    'resources/read',
    (params: { uri: string }) => {
      const resource = resources.get(params.uri);
      // MCP's "Resource not found".
      if (resource === undefined) throw new RpcError(-32002, 'Resource not found', params);
      return {
        contents: [
          { uri: params.uri, mimeType: resource.definition.mimeType, text: resource.read() },
        ],
      };
    },
    { params: object({ uri: { type: 'string' } }, ['uri']) },
  );

  return {
    rpc,
    tool(name, definition, run) {
      tools.method(name, run as (args: unknown, call: unknown) => unknown, {
        params: definition.inputSchema,
      });
      descriptions.set(name, definition.description);
    },
    resource(uri, definition, read) {
      resources.set(uri, { definition, read });
    },
    async serveStdio() {
      // Resolves when stdin ends (the client closed it): then finish and let the process exit.
      await rpc.serve({ readable: process.stdin, writable: process.stdout }, { framing: 'ndjson' });
      await rpc.close();
    },
  };
}
