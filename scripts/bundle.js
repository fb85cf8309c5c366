#!/usr/bin/env node
'use strict';
/**
 * Bundles the two entry points from their TypeScript sources with the core they load into one
 * file each, so starting them reads one module instead of about a hundred:
 *   dist/ums-ha-cli.js  the `ums-ha` command line (bin/ums-ha.js loads it)
 *   dist/ums-ha-app.js  the cdktf app (cdktf.json "app", `npm run synth`), with
 *                       dist/ums-ha-app.inputs.json, the hashes of its inputs (scripts/app-build.js)
 * Run by `npm run build` after the generators and tsc (which type-checks; esbuild only strips
 * types). cdktf, constructs and the providers stay external: the app loads them from node_modules
 * as they are published, and if an import of them ever crept into the CLI path, the CLI bundle
 * would still need them at run time and the isolation test would fail. The app also leaves out
 * `yaml` (a third of its size): it reads clean topologies with the fast reader and loads `yaml`
 * from node_modules only for a file with a finding, while every synthesis would pay for reading
 * and parsing it as part of the bundle. The CLI keeps it: validate reports findings routinely.
 */
const fs = require('node:fs');
const path = require('node:path');
const { rebuild, bundleOptions, writeAtomic } = require('./app-build');

try {
  const cli = require('esbuild').buildSync(bundleOptions(path.join('cli', 'main.ts'), 'ums-ha-cli.js', []));
  fs.mkdirSync(path.dirname(cli.outputFiles[0].path), { recursive: true });
  for (const out of cli.outputFiles) writeAtomic(out.path, out.contents);
  rebuild(['bundle'], { generated: true });
} catch (err) {
  if (!err.errors) process.stderr.write(`bundle: ${err.message}\n`);
  process.exitCode = 1;
}
