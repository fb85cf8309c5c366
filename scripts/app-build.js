'use strict';
/**
 * The build of the cdktf app bundle, and the content check that lets the app entry
 * (bin/ums-ha-app.js, cdktf.json "app") skip it when nothing changed.
 *
 * Three steps, each with its inputs:
 *   schema     scripts/build-schema.js over schemas/topology.schema.json  -> core/document/generated/
 *   bootstrap  scripts/embed-bootstrap.js over bootstrap/scripts/*        -> bootstrap/generated/
 *   bundle     esbuild from the TypeScript sources (main.ts and every file it imports, as
 *              esbuild's metafile lists them, node_modules included)     -> dist/ums-ha-app.js
 * dist/ums-ha-app.inputs.json records, per step, the SHA-256 of its inputs (paths and contents)
 * when the step last ran. `check()` hashes the same inputs again (about half a megabyte: a few
 * milliseconds) and names the steps whose inputs differ; `rebuild()` runs only those (a changed
 * schema also rebundles). Type-checking is not part of this path: `npm test` and
 * `npm run typecheck` do it, `npm run build` runs tsc as before.
 *
 * Only node:crypto, node:fs and node:path are loaded for the check; esbuild and the generators
 * only for a rebuild.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const BUNDLE = path.join(DIST, 'ums-ha-app.js');
const STAMP = path.join(DIST, 'ums-ha-app.inputs.json');
/** The app's entry among the sources: without it (an installed copy without sources) nothing is checked. */
const ENTRY = 'main.ts';
const STAMP_VERSION = 1;

/** Inputs every step shares: how things are built. */
const BUILD_FILES = ['scripts/app-build.js', 'tsconfig.json'];

function bootstrapScripts() {
  try {
    return fs
      .readdirSync(path.join(ROOT, 'bootstrap', 'scripts'))
      .filter((f) => /\.(sh|exp)$/.test(f))
      .sort()
      .map((f) => `bootstrap/scripts/${f}`);
  } catch {
    return [];
  }
}

const GENERATORS = [
  { step: 'schema', script: 'scripts/build-schema.js', inputs: () => ['scripts/build-schema.js', 'schemas/topology.schema.json'] },
  { step: 'bootstrap', script: 'scripts/embed-bootstrap.js', inputs: () => ['scripts/embed-bootstrap.js', ...bootstrapScripts()] },
];

/** SHA-256 over the paths and contents of `files` (relative to the root); a missing file counts as such. */
function hashFiles(files) {
  const hash = crypto.createHash('sha256');
  for (const file of [...BUILD_FILES, ...files]) {
    hash.update(`${file}\0`);
    try {
      hash.update(fs.readFileSync(path.resolve(ROOT, file)));
    } catch {
      hash.update('\0missing\0');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

function readStamp() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    return stamp && stamp.version === STAMP_VERSION ? stamp : undefined;
  } catch {
    return undefined;
  }
}

function hasSources() {
  return fs.existsSync(path.join(ROOT, ENTRY));
}

/**
 * What is out of date: `{ sources: false }` when there are no sources to check (the bundle runs as
 * built), else `{ sources: true, stale: [steps] }`, empty when the bundle is what the sources build.
 */
function check() {
  if (!hasSources()) return { sources: false, stale: [] };
  const stamp = readStamp();
  if (!stamp || !fs.existsSync(BUNDLE)) return { sources: true, stale: ['schema', 'bootstrap', 'bundle'] };
  const stale = GENERATORS.filter((g) => stamp.steps[g.step] !== hashFiles(g.inputs())).map((g) => g.step);
  const bundle = stamp.steps.bundle;
  if (!bundle || bundle.hash !== hashFiles(bundle.inputs)) stale.push('bundle');
  return { sources: true, stale };
}

/** Writes `text` to `file` through a temporary file and a rename: a concurrent reader sees the old or the new file. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** The esbuild options of both bundles (scripts/bundle.js builds the CLI's with them). */
function bundleOptions(entry, outfile, external) {
  return {
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: path.join(DIST, outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // cdktf, constructs and the providers stay in node_modules as they are published.
    external: ['cdktf', 'constructs', '@cdktf/*', ...external],
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    metafile: true,
    write: false,
  };
}

/**
 * Bundles the app from the TypeScript sources (no type check) and records the hash of every input
 * esbuild read. The app leaves out `yaml` (loaded from node_modules only for a file with findings).
 */
function bundleApp(stamp) {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync(bundleOptions(ENTRY, 'ums-ha-app.js', ['yaml']));
  fs.mkdirSync(DIST, { recursive: true });
  for (const out of result.outputFiles) writeAtomic(out.path, out.contents);
  // Relative to the root, or absolute for a file outside it (node_modules linked from elsewhere).
  const inputs = Object.keys(result.metafile.inputs)
    .map((f) => {
      const abs = path.resolve(ROOT, f);
      const rel = path.relative(ROOT, abs);
      return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
    })
    .sort();
  stamp.steps.bundle = { inputs, hash: hashFiles(inputs) };
}

/**
 * Runs the steps named in `stale` (all by default) and writes the stamp. `generated: true` says the
 * generators have just run (`npm run build`): only their inputs are recorded. Throws with esbuild's
 * or a generator's message. Returns the steps that ran.
 */
function rebuild(stale = ['schema', 'bootstrap', 'bundle'], { generated = false } = {}) {
  const stamp = readStamp() ?? { version: STAMP_VERSION, steps: {} };
  const ran = [];
  for (const g of GENERATORS) {
    if (!generated && !stale.includes(g.step) && stamp.steps[g.step]) continue;
    if (!generated) {
      const run = require('node:child_process').spawnSync(process.execPath, [path.join(ROOT, g.script)], { cwd: ROOT, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${g.script} failed: ${(run.stderr || '').trim()}`);
      ran.push(g.step);
    }
    stamp.steps[g.step] = hashFiles(g.inputs());
  }
  bundleApp(stamp);
  fs.mkdirSync(DIST, { recursive: true });
  writeAtomic(STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
  return [...ran, 'bundle'];
}

module.exports = { ROOT, DIST, BUNDLE, STAMP, check, rebuild, bundleOptions, writeAtomic, hasSources };
