#!/usr/bin/env node
'use strict';
/**
 * The cdktf app entry (cdktf.json "app", `npm run synth`): loads the bundled app
 * (dist/ums-ha-app.js: main.ts with the core) and runs it (runApp in main.ts).
 *
 * The bundle is compiled with V8's code cache, dist/ums-ha-app.js.cache, which `npm run build`
 * writes after a synthesis of generated topologies (scripts/compile-cache.js): compiling the core
 * is otherwise about a tenth of synthesizing one topology. The cache is used only when it was made
 * from this very bundle (its SHA-256 is stored with it) and V8 accepts it (same Node.js version
 * and flags); otherwise the bundle is compiled as usual, with the same result. Nothing is written
 * at run time. UMS_HA_DEBUG reports a cache that was not used.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const BUNDLE = path.join(__dirname, '..', 'dist', 'ums-ha-app.js');
const CACHE = `${BUNDLE}.cache`;
const HASH_BYTES = 32;

const sha256 = (text) => crypto.createHash('sha256').update(text).digest();

/** The bundle as CommonJS evaluates it, compiled with `cachedData` when given. */
function compile(source, cachedData) {
  // One line with the source's first, so positions in stack traces stay the bundle's own lines.
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, cachedData });
}

function evaluate(script) {
  const mod = { exports: {}, filename: BUNDLE, id: BUNDLE, loaded: false };
  script.runInThisContext()(mod.exports, createRequire(BUNDLE), mod, BUNDLE, path.dirname(BUNDLE));
  mod.loaded = true;
  return mod.exports;
}

function readBundle() {
  try {
    return fs.readFileSync(BUNDLE, 'utf8');
  } catch {
    throw new Error('the cdktf app is not built: run `npm run build` (or `npm ci`) in the ums-ha checkout');
  }
}

/**
 * Loads the app: `exports` of main.ts, and `cache`: 'used', 'none' (no cache file, or one made from
 * another bundle) or 'rejected' (by V8: another Node.js version or other flags).
 */
function loadApp() {
  const source = readBundle();
  let cachedData;
  try {
    const file = fs.readFileSync(CACHE);
    if (file.length > HASH_BYTES && file.subarray(0, HASH_BYTES).equals(sha256(source))) cachedData = file.subarray(HASH_BYTES);
  } catch {
    // No cache: compiled as usual.
  }
  const script = compile(source, cachedData);
  const exports = evaluate(script);
  return { exports, cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used' };
}

/**
 * Writes the cache: loads the bundle without one, lets `warm(exports)` run what a synthesis runs,
 * then stores what V8 compiled, behind the bundle's SHA-256.
 */
function writeCache(warm) {
  const source = readBundle();
  const script = compile(source, undefined);
  warm(evaluate(script));
  fs.writeFileSync(CACHE, Buffer.concat([sha256(source), script.createCachedData()]));
  return CACHE;
}

module.exports = { loadApp, writeCache };

if (require.main === module) {
  let app;
  try {
    app = loadApp();
  } catch (err) {
    process.stderr.write(`ums-ha: ${err && err.message ? err.message : String(err)}\n`);
    if (process.env.UMS_HA_DEBUG !== undefined) process.stderr.write(`${err && err.stack}\n`);
    process.exitCode = 2;
  }
  if (app) {
    if (process.env.UMS_HA_DEBUG !== undefined && app.cache !== 'used') {
      process.stderr.write(`ums-ha: compile cache ${app.cache === 'none' ? 'missing or made from another build' : 'rejected by V8 (another Node.js version or flags)'}; npm run build writes it\n`);
    }
    app.exports.runApp();
  }
}
