'use strict';
/**
 * Prints one plain closing line after Jest's own summary, so that any log reader (CI included) can
 * count the run without parsing Jest's table:
 *   tests: N passed, N failed, N skipped
 * with Jest's own counts (skipped: Jest's skipped and todo tests). A suite that fails before its
 * tests run (an error at load time, e.g. a missing tool) has no tests Jest could count; each such
 * suite is named on a line of its own before the closing line, which then ends with
 *   ; N suites failed to load
 * It is the last line the run prints: Jest prints its own summary table after every custom
 * reporter's onRunComplete (its summary reporter comes last), and runs globalTeardown after that,
 * so the line is written when the process exits.
 */
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = (globalConfig && globalConfig.rootDir) || process.cwd();
  }

  onRunComplete(_contexts, results) {
    const notLoaded = results.testResults.filter((r) => r.testExecError);
    const lines = notLoaded.map((r) => {
      const message = String(r.testExecError.message || r.failureMessage || '').trim().split('\n')[0];
      return `suite failed to load: ${path.relative(this.rootDir, r.testFilePath)}: ${message}`;
    });
    const skipped = results.numPendingTests + results.numTodoTests;
    let summary = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
    if (notLoaded.length > 0) summary += `; ${notLoaded.length} suite${notLoaded.length === 1 ? '' : 's'} failed to load`;
    // One line per process, the last run's (watch mode runs again in the same process).
    const first = this.text === undefined;
    this.text = `\n${[...lines, summary].join('\n')}\n`;
    if (first) process.once('exit', () => fs.writeSync(process.stdout.fd, this.text));
  }
}
module.exports = SummaryReporter;
