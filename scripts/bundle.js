#!/usr/bin/env node
'use strict';
/**
 * Bundles the two entry points with the core they load into one file each, so starting them reads
 * one module instead of about a hundred:
 *   dist/ums-ha-cli.js  the `ums-ha` command line (bin/ums-ha.js loads it)
 *   dist/ums-ha-app.js  the cdktf app (cdktf.json "app", `npm run synth`)
 * cdktf, constructs and the providers stay external: the app loads them from node_modules as
 * HashiCorp ships them, and if an import of them ever crept into the CLI path, the CLI bundle
 * would still need them at run time and the isolation test would fail. The app also leaves out
 * `yaml` (a third of its size): it reads clean topologies with the fast reader and loads `yaml`
 * from node_modules only for a file with a finding, while every synthesis would pay for reading
 * and parsing it as part of the bundle. The CLI keeps it: validate reports findings routinely.
 */
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const bundles = [
  { entry: path.join('cli', 'main.js'), outfile: 'ums-ha-cli.js', external: [] },
  { entry: 'main.js', outfile: 'ums-ha-app.js', external: ['yaml'] },
];
Promise.all(
  bundles.map(({ entry, outfile, external }) =>
    esbuild.build({
      entryPoints: [path.join(root, 'dist', entry)],
      outfile: path.join(root, 'dist', outfile),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['cdktf', 'constructs', '@cdktf/*', ...external],
      legalComments: 'none',
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'warning',
    }),
  ),
).catch(() => {
  process.exitCode = 1;
});
