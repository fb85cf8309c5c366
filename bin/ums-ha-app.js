#!/usr/bin/env node
'use strict';
/**
 * The cdktf app entry (cdktf.json "app", `npm run synth`): loads the bundled app
 * (dist/ums-ha-app.js: main.ts with the core) and runs it (runApp in main.ts).
 *
 * Before that it checks the bundle against the sources (scripts/app-build.js): the SHA-256 of every
 * input of the build is stored in dist/ums-ha-app.inputs.json, so an unchanged checkout runs the
 * bundle at once, and an edited main.ts, core file, schema or node script is rebuilt first (esbuild,
 * no type check: `npm test` and `npm run typecheck` do that), with one line on stderr. Without the
 * sources beside it (main.ts absent) the bundle runs as built.
 *
 * The bundle is compiled with V8's code cache, dist/ums-ha-app.node-<version>-<arch>-<flags>.cache
 * (one per Node.js version, architecture and V8 flags, see CACHE), which `npm run build` writes
 * after a synthesis of generated topologies (scripts/compile-cache.js), for plain `node` and for the
 * flags `cdktf synth` runs the app with: compiling the core is otherwise about a tenth of
 * synthesizing one topology. The cache is used only when it was made from this very bundle (its
 * SHA-256 is stored with it) and V8 accepts it; otherwise the bundle is compiled as usual, with the
 * same result, and the app writes the cache after its run (a rebuild, another Node.js version).
 * UMS_HA_DEBUG reports a cache that was not used.
 *
 * CHECKPOINT_DISABLE is set for the app's own process (nothing it runs calls HashiCorp's version
 * check); the cdktf CLI that runs the app needs it in its own environment (README, "Offline").
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const BUNDLE = path.join(__dirname, '..', 'dist', 'ums-ha-app.js');
/**
 * V8 accepts a code cache only from the same V8 version and flags: `cdktf synth` runs the app with
 * NODE_OPTIONS=--max-old-space-size=4096, which alone makes V8 reject a cache written without it.
 * So each Node.js version, architecture and set of flags (execArgv but the script options, and NODE_OPTIONS) has its own file.
 */
function runtimeFlags() {
  const flags = [];
  const withValue = ['-e', '--eval', '-p', '--print', '-r', '--require', '--import'];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i];
    if (withValue.includes(arg)) i++;
    else if (!/^--(eval|print|require|import)=/.test(arg)) flags.push(arg);
  }
  return JSON.stringify([flags, process.env.NODE_OPTIONS ?? '']);
}
const FLAGS = crypto.createHash('sha256').update(runtimeFlags()).digest('hex').slice(0, 8);
const CACHE = path.join(path.dirname(BUNDLE), `ums-ha-app.node-${process.version}-${process.arch}-${FLAGS}.cache`);
const HASH_BYTES = 32;

const sha256 = (text) => crypto.createHash('sha256').update(text).digest();

/**
 * An informational line: on stderr, except under the cdktf CLI, which shows everything the app
 * writes to stderr as an error (app/cdktf-cli.ts) and what it writes to stdout as it is.
 */
function info(line) {
  const stream = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined ? process.stdout : process.stderr;
  stream.write(`${line}\n`);
}

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
 * Loads the app: `exports` of main.ts, and `cache`: 'used', 'none' (no cache file for this Node.js
 * version and flags, or one made from another bundle) or 'rejected' (by V8, e.g. a damaged file);
 * `saveCache()` writes the cache for this bundle from what has been compiled so far.
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
  const saveCache = () => writeAtomic(CACHE, Buffer.concat([sha256(source), script.createCachedData()]));
  return { exports, cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used', saveCache };
}

function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Writes the cache: loads the bundle without one, lets `warm(exports)` run what a synthesis runs,
 * then stores what V8 compiled, behind the bundle's SHA-256.
 */
function writeCache(warm) {
  const source = readBundle();
  const script = compile(source, undefined);
  warm(evaluate(script));
  writeAtomic(CACHE, Buffer.concat([sha256(source), script.createCachedData()]));
  return CACHE;
}

/** Rebuilds the bundle when its inputs changed (scripts/app-build.js); false after a failed rebuild, reported. */
function ensureBuilt() {
  // No sources beside the bundle (an installed copy): it runs as built.
  if (!fs.existsSync(path.join(__dirname, '..', 'main.ts'))) return true;
  const build = require('../scripts/app-build.js');
  const { stale } = build.check();
  if (stale.length === 0) return true;
  const started = process.hrtime.bigint();
  let ran;
  try {
    ran = build.rebuild(stale);
  } catch (err) {
    process.stderr.write(`ums-ha: the cdktf app could not be rebuilt from the sources: ${String(err && err.message).split('\n')[0]}\n`);
    return false;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  info(`ums-ha: sources changed since the last build: rebuilt dist/ums-ha-app.js (${ran.join(', ')}) in ${seconds.toFixed(1)} s; type-check with npm run typecheck`);
  return true;
}

module.exports = { loadApp, writeCache, ensureBuilt, dropCdktfIsArrayWarning, CACHE };

/**
 * cdktf 0.21's TerraformOutput calls util.isArray, which Node.js 22 deprecates at run time (DEP0044):
 * one warning on every synthesis that says nothing to a user of ums-ha, in a release that gets no
 * fixes. Only that warning is dropped; every other one is printed as usual.
 */
function dropCdktfIsArrayWarning() {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (warning, ...rest) {
    const code = rest[0] !== null && typeof rest[0] === 'object' ? rest[0].code : rest[1];
    if (code === 'DEP0044') return undefined;
    return emitWarning.call(process, warning, ...rest);
  };
}

if (require.main === module) {
  if (process.env.CHECKPOINT_DISABLE === undefined) process.env.CHECKPOINT_DISABLE = '1';
  dropCdktfIsArrayWarning();
  let app;
  try {
    if (!ensureBuilt()) throw new Error('fix the sources, or run `npm run build` to see every error');
    app = loadApp();
  } catch (err) {
    process.stderr.write(`ums-ha: ${err && err.message ? err.message : String(err)}\n`);
    if (process.env.UMS_HA_DEBUG !== undefined) process.stderr.write(`${err && err.stack}\n`);
    process.exitCode = 2;
  }
  if (app) {
    if (process.env.UMS_HA_DEBUG !== undefined && app.cache !== 'used') {
      info(`ums-ha: compile cache ${app.cache === 'none' ? 'missing or made from another build (written after this run)' : 'rejected by V8 (written again after this run)'}`);
    }
    app.exports.runApp();
    if (app.cache !== 'used') {
      try {
        app.saveCache();
      } catch {
        // A read-only installation: compiled as usual next time too.
      }
    }
  }
}
