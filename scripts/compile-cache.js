#!/usr/bin/env node
'use strict';
/**
 * Writes the V8 code cache bin/ums-ha-app.js compiles the app bundle with
 * (dist/ums-ha-app.node-<version>-<arch>-<flags>.cache): the bundle is loaded without a cache and
 * synthesizes a few generated topologies of every shape (co-located, separate, external load
 * balancing) into a temporary folder, so the cache holds what a synthesis compiles; then V8's
 * compiled code is stored behind the bundle's SHA-256. V8 accepts a cache only under the flags it
 * was made with, so this runs twice: as `node` runs the app (`npm run synth`) and again in a child
 * with NODE_OPTIONS=--max-old-space-size=4096, as `cdktf synth` runs it.
 * Run by `npm run build` after scripts/bundle.js. A failed synthesis fails the build.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { stringify } = require('yaml');
const { writeCache, dropCdktfIsArrayWarning } = require('../bin/ums-ha-app.js');
const { generateTopologyObjects } = require('../bench/generate');

/** What the cdktf CLI (0.21, and CDK Terrain's) sets for the app when NODE_OPTIONS is unset. */
const CDKTF_SYNTH_NODE_OPTIONS = '--max-old-space-size=4096';

// The warm-up synthesis runs cdktf as the app does: without its DEP0044 warning (Node.js 24 prints it).
dropCdktfIsArrayWarning();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-compile-cache-'));
try {
  const dir = path.join(work, 'topologies');
  fs.mkdirSync(dir);
  generateTopologyObjects(6, 2).forEach((doc, i) => fs.writeFileSync(path.join(dir, `t${i}.yaml`), stringify(doc)));
  const lines = [];
  writeCache((app) => {
    const result = app.synthesize({ topologyDir: dir, outdir: path.join(work, 'out'), log: (line) => lines.push(line) });
    if (result.code !== 0) throw new Error(`the warm-up synthesis failed:\n${lines.join('\n')}`);
  });
  if (process.env.UMS_HA_COMPILE_CACHE_CHILD === undefined) {
    const child = require('node:child_process').spawnSync(process.execPath, [__filename], {
      env: { ...process.env, NODE_OPTIONS: CDKTF_SYNTH_NODE_OPTIONS, UMS_HA_COMPILE_CACHE_CHILD: '1' },
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exitCode = 1;
  }
} catch (err) {
  process.stderr.write(`compile-cache: ${err.message}\n`);
  process.exitCode = 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
