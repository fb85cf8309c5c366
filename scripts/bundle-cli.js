#!/usr/bin/env node
'use strict';
/**
 * Bundles the command line (dist/cli/main.js and the core it loads) into one file,
 * dist/ums-ha-cli.js, so starting `ums-ha validate` reads one module instead of about a hundred.
 * cdktf, constructs and the providers are marked external: if any import of them ever crept into
 * the CLI path, the bundle would still need them at run time and the isolation test would fail.
 */
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
esbuild
  .build({
    entryPoints: [path.join(root, 'dist', 'cli', 'main.js')],
    outfile: path.join(root, 'dist', 'ums-ha-cli.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['cdktf', 'constructs', '@cdktf/*'],
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  })
  .catch(() => {
    process.exitCode = 1;
  });
