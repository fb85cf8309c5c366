'use strict';
// Prints one plain closing line, `tests: N passed, N failed, N skipped`, after Jest's own summary,
// so that any log reader (CI included) can count the run without parsing Jest's table.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
