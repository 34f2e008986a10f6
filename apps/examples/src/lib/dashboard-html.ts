// The dashboard's HTML (see dashboard.ts): plain markup and a little CSS; dashboard/page.ts fills
// it in. `rpcUrl` is where the page's client connects (a ws:// URL).

/** The page, with the server's WebSocket URL in a data attribute. */
export function dashboardPage(rpcUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rerpc dashboard</title>
<style>
  :root { font: 14px/1.4 system-ui, sans-serif; color: #1d2733; background: #f4f6f8; }
  body { margin: 0 auto; padding: 20px 28px; max-width: 1040px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .sub { color: #5b6b7b; margin: 0 0 18px; }
  .sub code { background: #e6ebf0; padding: 1px 5px; border-radius: 4px; }
  .grid { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; }
  .card { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 12px 14px; }
  .card h2 { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: #5b6b7b; margin: 0 0 6px; }
  .big { font-size: 28px; font-weight: 650; font-variant-numeric: tabular-nums; }
  .unit { font-size: 13px; color: #5b6b7b; font-weight: 400; }
  .row { display: grid; grid-template-columns: 2fr 1fr 1.4fr; gap: 12px; margin-top: 12px; }
  svg { width: 100%; height: 120px; display: block; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  td, th { text-align: left; padding: 3px 0; border-bottom: 1px solid #eef1f4; }
  td:last-child, th:last-child { text-align: right; }
  form { display: grid; gap: 8px; }
  select, textarea, button { font: inherit; padding: 6px 8px; border: 1px solid #c9d2dc; border-radius: 6px; }
  textarea { font-family: ui-monospace, monospace; height: 54px; resize: vertical; }
  button { background: #1f6feb; color: #fff; border-color: #1f6feb; cursor: pointer; }
  pre { margin: 0; background: #0f1720; color: #d7e2ee; padding: 8px 10px; border-radius: 6px; min-height: 38px; white-space: pre-wrap; font-size: 12px; }
  .state { float: right; font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #e6ebf0; }
  .state.live { background: #d8f5df; color: #17652b; }
</style>
</head>
<body data-rpc="${rpcUrl}">
<span class="state" id="state">connecting…</span>
<h1>rerpc dashboard</h1>
<p class="sub">Server stats over a WebSocket subscription (<code>stats_subscribe</code>), from <code>${rpcUrl}</code>, by <code>@rerpc/client/browser</code>.</p>
<div class="grid">
  <div class="card"><h2>Calls / s</h2><div class="big" id="rate">–</div></div>
  <div class="card"><h2>In flight</h2><div class="big" id="inflight">–</div></div>
  <div class="card"><h2>Latency p50</h2><div class="big"><span id="p50">–</span> <span class="unit">ms</span></div></div>
  <div class="card"><h2>Latency p99</h2><div class="big"><span id="p99">–</span> <span class="unit">ms</span></div></div>
  <div class="card"><h2>Connections</h2><div class="big"><span id="open">–</span> <span class="unit">open, <span id="conns">–</span> total</span></div></div>
</div>
<div class="row">
  <div class="card"><h2>Calls / s, last 60 updates</h2><svg id="chart" viewBox="0 0 600 120" preserveAspectRatio="none"><line x1="0" y1="118" x2="600" y2="118" stroke="#dde3ea" stroke-width="2"/><polyline id="line" fill="none" stroke="#1f6feb" stroke-width="2" points=""/></svg>
    <table><tr><th>total calls</th><td id="total">–</td></tr><tr><th>latency p90 / max</th><td><span id="p90">–</span> / <span id="max">–</span> ms</td></tr><tr><th>timed out</th><td id="timedout">–</td></tr></table></div>
  <div class="card"><h2>Errors by code</h2><table id="errors"><tr><td>none yet</td><td></td></tr></table></div>
  <div class="card"><h2>Call a method</h2>
    <form id="form">
      <select id="method"></select>
      <textarea id="params">{"a": 1, "b": 2}</textarea>
      <button type="submit">Call</button>
    </form>
    <pre id="result"></pre>
  </div>
</div>
<script type="module" src="/dashboard.js"></script>
</body>
</html>
`;
}
