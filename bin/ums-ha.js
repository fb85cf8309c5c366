#!/usr/bin/env node
'use strict';
// The executable only sets the exit code; cli/main.ts does the work (and never exits itself).
let main;
try {
  ({ main } = require('../dist/ums-ha-cli.js'));
} catch (err) {
  process.stderr.write('ums-ha: the CLI is not built: run `npm run build` (or `npm ci`) in the ums-ha checkout\n');
  process.exitCode = 2;
}
if (main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`ums-ha: internal error: ${err && err.message ? err.message : String(err)}\n`);
      if (process.env.UMS_HA_DEBUG) process.stderr.write(`${err && err.stack}\n`);
      process.exitCode = 2;
    },
  );
}
