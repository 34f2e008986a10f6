// Each package's micro-benchmarks register here under a short name.
export const suites: Record<string, () => Promise<unknown>> = {};
