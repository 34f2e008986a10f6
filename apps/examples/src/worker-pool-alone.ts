// @rerpc/worker-pool on its own: run 50 slow async jobs at most 5 at a time, with a bounded queue
// that pushes back instead of growing without limit.
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkerPool, QueueFullError } from '@rerpc/worker-pool';

const pool = createWorkerPool({ concurrency: 5, maxQueue: 50 });
let peak = 0;

const jobs = Array.from({ length: 50 }, (_, i) =>
  pool.submit(async (signal) => {
    peak = Math.max(peak, pool.running);
    await sleep(5, undefined, { signal });
    return i * i;
  }),
);
// The queue holds 45 waiting jobs now, well below maxQueue; one more batch of 10 would overflow.
const overflow = await Promise.allSettled(
  Array.from({ length: 10 }, () => pool.submit(() => 'extra')),
);
const results = await Promise.all(jobs);
console.log(
  `50 jobs done, sum of squares ${results.reduce((a, b) => a + b, 0)}, peak running ${peak}`,
);
const rejected = overflow.filter(
  (r) => r.status === 'rejected' && r.reason instanceof QueueFullError,
).length;
console.log(`of 10 extra submits, ${rejected} were refused with QueueFullError (queue full)`);
const stats = pool.stats();
console.log(`stats: completed ${stats.completed}, rejected ${stats.rejected}`);
await pool.close();
