'use strict';
/** Jest's globalTeardown: removes the run's temporary folder (scripts/jest-temp-setup.js). */
const fs = require('node:fs');

module.exports = async function teardown() {
  const temp = globalThis.umsHaJestTemp;
  if (!temp) return;
  fs.rmSync(temp.dir, { recursive: true, force: true, maxRetries: 3 });
  if (temp.previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = temp.previous;
};
