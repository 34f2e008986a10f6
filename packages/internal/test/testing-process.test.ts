import { expect, it } from 'vitest';
import { spawnNode } from '../src/testing.js';

it('spawnNode() collects stdout and stderr, takes stdin and reports the exit', async () => {
  const script =
    "process.stdin.pipe(process.stdout); process.stdin.on('end', () => console.error('done'));";
  const node = spawnNode(['-e', script]);
  node.child.stdin.end('hello\n');
  expect(await node.exited).toEqual([0, null]);
  expect(node.stdout()).toBe('hello\n');
  expect(node.stderr()).toBe('done\n');
});

it('spawnNode() reports the signal of a killed process', async () => {
  const node = spawnNode(['-e', 'setInterval(() => {}, 1000)']);
  node.child.kill('SIGKILL');
  expect(await node.exited).toEqual([null, 'SIGKILL']);
});
