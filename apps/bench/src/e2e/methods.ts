// The method shapes every contender serves, and the payloads and checks every client uses.

export interface AddParams {
  a: number;
  b: number;
}
export interface AddResult {
  result: number;
}

export function add(params: AddParams): AddResult {
  return { result: params.a + params.b };
}

export function echo<T>(params: T): T {
  return params;
}

/** Registered with rerpc's `server.register(new ArithService(), { name: 'ArithService' })`. */
export class ArithService {
  Add(params: AddParams): AddResult {
    return add(params);
  }
}

interface Item {
  id: number;
  name: string;
  tags: string[];
  price: number;
  active: boolean;
  note: string;
}

const ITEM_COUNT = 72;

/** ~10 KB of ordinary JSON: 72 small records. Built once; each call wraps it with its own `seq`. */
export const items: Item[] = Array.from({ length: ITEM_COUNT }, (_, id) => ({
  id,
  name: `item-${String(id).padStart(4, '0')}`,
  tags: ['alpha', 'beta', 'gamma'],
  price: 12.5 + id,
  active: id % 2 === 0,
  note: 'the quick brown fox jumps over the lazy dog',
}));

export interface EchoParams {
  seq: number;
  items: Item[];
}

export function addParams(i: number): AddParams {
  return { a: i, b: 7 };
}

export function isAddResult(i: number, value: unknown): boolean {
  return (value as AddResult | null)?.result === i + 7;
}

export function echoParams(i: number): EchoParams {
  return { seq: i, items };
}

export function isEchoResult(i: number, value: unknown): boolean {
  const r = value as EchoParams | null;
  if (r?.seq !== i || !Array.isArray(r.items) || r.items.length !== ITEM_COUNT) return false;
  return r.items[ITEM_COUNT - 1]?.id === ITEM_COUNT - 1;
}

/** Bytes of one echo request's params on the wire. */
export const echoBytes = Buffer.byteLength(JSON.stringify(echoParams(0)));
