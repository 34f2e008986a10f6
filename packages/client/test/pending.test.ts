// The pending-call table is internal; it is tested directly because every answer goes through it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Call } from '../src/call.js';
import { PendingTable } from '../src/pending.js';

const fake = (id: number) => ({ id }) as unknown as Call;

describe('PendingTable', () => {
  it('behaves like a Map under any sequence of adds and removals', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), id: fc.integer({ min: 1, max: 600 }) }),
            fc.record({ op: fc.constant('take' as const), id: fc.integer({ min: 0, max: 600 }) }),
          ),
          { maxLength: 400 },
        ),
        (ops) => {
          const table = new PendingTable(4);
          const model = new Map<number, Call>();
          for (const { op, id } of ops) {
            if (op === 'add') {
              if (model.has(id)) continue;
              const call = fake(id);
              table.set(id, call);
              model.set(id, call);
            } else {
              expect(table.take(id)).toBe(model.get(id));
              model.delete(id);
            }
            expect(table.size).toBe(model.size);
          }
          for (const [id, call] of model) expect(table.get(id)).toBe(call);
          expect(table.get(0)).toBeUndefined();
          expect(table.get(Number.NaN)).toBeUndefined();
          expect(new Set(table.drain())).toEqual(new Set(model.values()));
          expect(table.size).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps a straggler and ids sharing its slot apart (overflow), and drains both', () => {
    const table = new PendingTable(256);
    const ids = [1, 257, 513, 2, 258];
    for (const id of ids) table.set(id, fake(id));
    expect(table.size).toBe(5);
    for (const id of ids) expect(table.get(id)).toEqual({ id });
    expect(table.take(257)).toEqual({ id: 257 });
    expect(table.get(257)).toBeUndefined();
    expect(table.take(1)).toEqual({ id: 1 });
    expect(table.get(513)).toEqual({ id: 513 });
    expect(
      table
        .drain()
        .map((c) => c.id)
        .sort((a, b) => a - b),
    ).toEqual([2, 258, 513]);
    expect(table.size).toBe(0);
  });

  it('finds ids past 2^32 and near 2^53', () => {
    const table = new PendingTable();
    const ids = [2 ** 32 + 5, 5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 256];
    for (const id of ids) table.set(id, fake(id));
    for (const id of ids) expect(table.take(id)).toEqual({ id });
    expect(table.size).toBe(0);
  });
});
