import { describe, expect, it } from 'vitest';
import { key, parse } from './exposition.js';

describe('the test exposition parser', () => {
  it('reads HELP, TYPE and samples with escaped label values', () => {
    const e = parse(
      '# HELP a_total Some help.\n# TYPE a_total counter\na_total{m="x\\"y",c="1"} 3\nb 1.5e-3\nc{le="+Inf"} +Inf\n',
    );
    expect(e.types.get('a_total')).toBe('counter');
    expect(e.help.get('a_total')).toBe('Some help.');
    expect(e.samples.get(key('a_total', { c: '1', m: 'x\\"y' }))).toBe(3);
    expect(e.samples.get('b')).toBe(0.0015);
    expect(e.samples.get(key('c', { le: '+Inf' }))).toBe(Infinity);
  });

  it.each([
    'a_total{m="x"} three',
    'a_total{m=x} 3',
    '1a 3',
    '# TYPE a widget',
    'a 1\na 2',
    'a{m="1",m="2"} 1',
  ])('refuses %j', (text) => {
    expect(() => parse(text)).toThrow();
  });
});
