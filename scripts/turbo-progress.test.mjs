// `pnpm test:scripts`: the turbo output filter, fed turbo 2's recorded output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { report, TurboLog, taskLabel } from './turbo-progress.mjs';

// Recorded from `turbo run build --output-logs=full --log-order=stream --log-prefix=task` with a
// syntax error in protocol (colour codes as `--color` prints them on a terminal).
const failedRun = `
   • turbo 2.11.11
   • Packages in scope: @rerpc/codec, @rerpc/internal, @rerpc/protocol
   • Running build in 3 packages
   • Remote caching disabled

\x1b[36m@rerpc/internal:build: \x1b[0mcache hit, replaying logs \x1b[2m1f0c6a1e2b3d4c5e\x1b[0m
\x1b[36m@rerpc/internal:build: \x1b[0m> tsc -p tsconfig.json --noEmit
@rerpc/protocol:build: cache miss, executing 89fa76f67eb66a61
@rerpc/protocol:build: 
@rerpc/protocol:build: > @rerpc/protocol@0.0.0 build /tmp/rerpc-dx/packages/protocol
@rerpc/protocol:build: DTS Build start
@rerpc/protocol:build: src/types.ts(47,26): error TS1109: Expression expected.
@rerpc/protocol:build:  ELIFECYCLE  Command failed with exit code 1.
@rerpc/protocol#build:  ERROR  command (/tmp/rerpc-dx/packages/protocol) /usr/bin/pnpm run build exited (1)

 Tasks:    1 successful, 2 total
Cached:    1 cached, 2 total
  Time:    3.408s 
Failed:    @rerpc/protocol#build

 ERROR  run failed: command  exited (1)`.split('\n');

function feed(lines) {
  const log = new TurboLog();
  const events = lines.map((line) => log.push(line)).filter((e) => e !== null);
  return { log, events };
}

test('reports each task once when it starts, marks cache hits, and reports a failure once', () => {
  const { events } = feed(failedRun);
  assert.deepEqual(events, [
    { type: 'start', key: '@rerpc/internal#build', cached: true },
    { type: 'start', key: '@rerpc/protocol#build', cached: false },
    { type: 'failed', key: '@rerpc/protocol#build' },
  ]);
});

test('keeps the failed task’s log without turbo’s prefix, and drops turbo’s header and summary', () => {
  const { log } = feed(failedRun);
  assert.deepEqual(log.counts(), { total: 2, cached: 1, ran: 1 });
  assert.deepEqual([...log.failed], ['@rerpc/protocol#build']);
  const printed = log.failureLogs().join('\n');
  assert.match(printed, /── @rerpc\/protocol#build failed: its log/);
  assert.match(printed, /^src\/types\.ts\(47,26\): error TS1109/m);
  assert.doesNotMatch(
    printed,
    /tsc -p tsconfig\.json/,
    'a cached task’s replayed log is not shown',
  );
  assert.deepEqual(log.other, []);
});

test('sees a failure when turbo goes on past it (--continue)', () => {
  const { log, events } = feed([
    '@rerpc/server:test: cache miss, executing 3',
    '@rerpc/server:test:  ELIFECYCLE  Test failed. See above for more details.',
    '@rerpc/server#test:  WARNING  command finished with error, but continuing...',
    '@rerpc/server#test:  ERROR  command (/x/packages/server) /usr/bin/pnpm run test exited (1)',
  ]);
  assert.deepEqual(events.at(-1), { type: 'failed', key: '@rerpc/server#test' });
  assert.equal(events.length, 2);
  assert.deepEqual(log.other, []);
});

test('takes failed tasks from the summary line when no ERROR line was seen', () => {
  const { log } = feed([
    '@rerpc/a:test: cache miss, executing 1',
    '@rerpc/a:test: FAIL  test/x.test.ts',
    '@rerpc/b:check:packages: cache miss, executing 2',
    'Failed:    @rerpc/a#test, @rerpc/b#check:packages',
  ]);
  assert.deepEqual([...log.failed], ['@rerpc/a#test', '@rerpc/b#check:packages']);
  assert.match(log.failureLogs().join('\n'), /FAIL {2}test\/x\.test\.ts/);
});

test('keeps turbo’s own errors that belong to no task', () => {
  const { log } = feed(['  x Missing `packageManager` field in package.json', '']);
  assert.deepEqual(log.other, ['  x Missing `packageManager` field in package.json']);
});

test('report prints one count line and keeps turbo’s exit code', () => {
  const { log } = feed(failedRun);
  let text = '';
  const code = report({ code: 1, log, seconds: 3.4 }, 'built', (t) => {
    text += t;
  });
  assert.equal(code, 1);
  assert.match(text.trimEnd().split('\n').at(-1), /^2 tasks: 0 built, 1 cached, 1 failed \(3 s\)$/);
});

test('report says so when turbo failed without naming a task', () => {
  let text = '';
  report({ code: 1, log: new TurboLog(), seconds: 0 }, 'ok', (t) => {
    text += t;
  });
  assert.match(text, /turbo exited with code 1; no task said it failed/);
});

test('labels tasks as "task package"', () => {
  assert.equal(taskLabel('@rerpc/codec#build'), 'build @rerpc/codec');
  assert.equal(taskLabel('@rerpc/codec#check:packages'), 'check:packages @rerpc/codec');
});
