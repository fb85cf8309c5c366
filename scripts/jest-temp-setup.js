'use strict';
/**
 * Jest's globalSetup: one temporary folder for the whole run, as TMPDIR (so os.tmpdir()) of every
 * test file and of every process a test starts. What a test leaves there (cdktf's Testing.app() and
 * Testing.fullSynth() make a `cdktf.outdir.*` folder each and never remove it) goes with the folder:
 * scripts/jest-temp-teardown.js removes it after the run. Readable by every user (tests run tools
 * as `nobody` too), writable by its owner.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-jest-'));
  fs.chmodSync(dir, 0o755);
  globalThis.umsHaJestTemp = { dir, previous: process.env.TMPDIR };
  process.env.TMPDIR = dir;
};
