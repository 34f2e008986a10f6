// A strict parser of the Prometheus text exposition format (0.0.4), enough for the tests: every
// line is a HELP or TYPE comment, a sample, or empty; anything else throws. prom-client's own
// parser is not public, so the tests read what a Prometheus server would.

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
/** A label value: any characters but `"`, `\` and newline, which are escaped (`\"`, `\\`, `\n`). */
const VALUE = '(?:[^"\\\\\\n]|\\\\[\\\\"n])*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="(${VALUE})"`;
const PAIR = `[a-zA-Z_][a-zA-Z0-9_]*="${VALUE}"`;
/** `name{label="value",…} value [timestamp]`. */
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${PAIR})(?:,${PAIR})*,?)?\\})? (\\S+)(?: -?\\d+)?$`);
const ONE_LABEL = new RegExp(LABEL, 'g');
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

export interface Exposition {
  /** `name{a="1",b="2"}` (labels sorted) → value. */
  readonly samples: Map<string, number>;
  /** Metric family → type. */
  readonly types: Map<string, string>;
  readonly help: Map<string, string>;
}

function value(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value ${text}`);
  return Number(text);
}

/** A sample's key as `parse()` makes it: `name{a="1",b="2"}` with the labels sorted, or `name`. */
export function key(name: string, labels: Record<string, string> = {}): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return pairs.length === 0 ? name : `${name}{${pairs.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

export function parse(text: string): Exposition {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    let m = HELP.exec(line);
    if (m !== null) {
      help.set(m[1]!, m[2]!);
      continue;
    }
    m = TYPE.exec(line);
    if (m !== null) {
      types.set(m[1]!, m[2]!);
      continue;
    }
    m = SAMPLE.exec(line);
    if (m === null)
      throw new Error(`line ${i + 1} is not exposition format: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(ONE_LABEL)) {
      if (l[1]! in labels) throw new Error(`line ${i + 1} repeats label ${l[1]}`);
      labels[l[1]!] = l[2]!;
    }
    const k = key(m[1]!, labels);
    if (samples.has(k)) throw new Error(`line ${i + 1} repeats sample ${k}`);
    samples.set(k, value(m[3]!));
  }
  return { samples, types, help };
}
