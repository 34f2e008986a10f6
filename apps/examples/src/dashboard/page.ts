// The dashboard page's script (see ../dashboard.ts), bundled for the browser with esbuild: stats
// over a subscription, and a form that calls any method the server lists.
import { createClient } from '@rerpc/client/browser';

/** The little of the DOM this page uses (the examples typecheck without the DOM library). */
interface Element {
  textContent: string | null;
  innerHTML: string;
  value: string;
  className: string;
  setAttribute(name: string, value: string): void;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
}
interface Document {
  body: Element & { dataset: Record<string, string | undefined> };
  getElementById(id: string): Element;
}
const document = (globalThis as unknown as { document: Document }).document;
const $ = (id: string): Element => document.getElementById(id);

interface Stats {
  perSecond: number;
  calls: { total: number; inFlight: number; timedOut: number };
  errors: Record<string, number>;
  latency: { p50: number; p90: number; p99: number; max: number };
  connections: { open: number; total: number };
}

const client = createClient(document.body.dataset['rpc']!, { timeout: 10_000 });
const rates: number[] = [];
const ms = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(0));
const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function show(s: Stats): void {
  $('rate').textContent = s.perSecond.toFixed(1);
  $('inflight').textContent = String(s.calls.inFlight);
  $('p50').textContent = ms(s.latency.p50);
  $('p99').textContent = ms(s.latency.p99);
  $('p90').textContent = ms(s.latency.p90);
  $('max').textContent = ms(s.latency.max);
  $('open').textContent = String(s.connections.open);
  $('conns').textContent = String(s.connections.total);
  $('total').textContent = String(s.calls.total);
  $('timedout').textContent = String(s.calls.timedOut);
  const codes = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
  $('errors').innerHTML =
    codes.length === 0
      ? '<tr><td>none yet</td><td></td></tr>'
      : codes.map(([code, n]) => `<tr><td>${escapeHtml(code)}</td><td>${n}</td></tr>`).join('');
  rates.push(s.perSecond);
  if (rates.length > 60) rates.shift();
  // From 0 up to a quarter above the highest rate, the points spread across the width.
  const top = Math.max(1, ...rates) * 1.25;
  const step = 600 / Math.max(1, rates.length - 1);
  const points = rates.map(
    (r, i) => `${(i * step).toFixed(1)},${(118 - (r / top) * 112).toFixed(1)}`,
  );
  $('line').setAttribute('points', points.join(' '));
}

async function watch(): Promise<void> {
  // resubscribe: after a lost connection the client subscribes again on a new one.
  for await (const stats of client.subscribe<Stats>(
    'stats',
    { every: 500 },
    { resubscribe: true },
  )) {
    $('state').textContent = 'live';
    $('state').className = 'state live';
    show(stats);
  }
}

async function discover(): Promise<void> {
  // An OpenRPC document where the server has one, else the dashboard server's own list.
  const listed = await client
    .call<{ methods: Array<string | { name: string }> }>('rpc.discover')
    .catch((error: { code?: unknown }) => {
      if (error.code !== -32601) throw error;
      return client.call<{ methods: string[] }>('Dashboard.methods');
    });
  const methods = listed.methods.map((m) => (typeof m === 'string' ? m : m.name));
  const callable = methods.filter((name) => !name.endsWith('_subscribe'));
  $('method').innerHTML = callable
    .map(
      (name) =>
        `<option${name === 'ArithService.Add' ? ' selected' : ''}>${escapeHtml(name)}</option>`,
    )
    .join('');
}

$('form').addEventListener('submit', (event) => {
  event.preventDefault();
  const method = $('method').value;
  const text = $('params').value.trim();
  let params: object | undefined;
  try {
    params = text === '' ? undefined : (JSON.parse(text) as object);
  } catch (error) {
    $('result').textContent = `params are not JSON: ${(error as Error).message}`;
    return;
  }
  $('result').textContent = '…';
  client.call(method, params).then(
    (result) => {
      $('result').textContent = `${method} → ${JSON.stringify(result, null, 1)}`;
    },
    (error: Error & { code?: unknown; data?: unknown }) => {
      const data = error.data === undefined ? '' : ` ${JSON.stringify(error.data)}`;
      $('result').textContent = `${error.name} ${String(error.code)}: ${error.message}${data}`;
    },
  );
});

watch().catch((error: Error) => {
  $('state').textContent = `stopped: ${error.message}`;
  $('state').className = 'state';
});
discover().catch((error: Error) => {
  $('result').textContent = `rpc.discover failed: ${error.message}`;
});
