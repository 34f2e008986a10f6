// Sums every package's vitest JSON report into the one line CI reads: "N passed, N failed".
// A package with a test script but no report counts as one failure (its tests never ran).
// Exit code: non-zero when any test failed, a report is missing, or a step named in
// RERPC_STEP_FAILURES (set by .ci/run: build, lint, package checks) failed.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { reportPath, workspaces } from './workspaces.mjs';

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const { dir, pkg } of workspaces()) {
  if (!pkg.scripts?.test) continue;
  const file = reportPath(dir);
  if (!existsSync(file)) {
    failed += 1;
    problems.push(
      `${pkg.name}: no test report at ${relative(process.cwd(), file)} (tests did not run)`,
    );
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (report.success === false && (report.numFailedTests ?? 0) === 0) {
    failed += 1;
    problems.push(`${pkg.name}: the test run failed outside any test (a suite did not load)`);
  }
  console.log(`${pkg.name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
const steps = (process.env.RERPC_STEP_FAILURES ?? '').trim();
for (const p of problems) console.log(`problem: ${p}`);
if (steps) console.log(`failed steps: ${steps}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || steps ? 1 : 0);
