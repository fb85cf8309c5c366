'use strict';
/**
 * What the measured paths of the bench share: medians, timed fresh processes, candidate and
 * baseline run alternately, and running an app command the way `cdktf synth` runs it.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `node argv` in `cwd` (a checkout); wall-clock ms from spawn to exit. */
function timeSpawn(cwd, argv, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Runs candidate and baseline alternately, `n` times each, and compares their medians. */
function interleaved(n, candidate, baseline) {
  const c = [];
  const b = [];
  for (let i = 0; i < 3; i++) {
    candidate();
    baseline();
  }
  for (let i = 0; i < n; i++) {
    if (i % 2) {
      c.push(candidate());
      b.push(baseline());
    } else {
      b.push(baseline());
      c.push(candidate());
    }
  }
  return { candidateMs: median(c), baselineMs: median(b), ratio: median(c) / median(b) };
}

/**
 * Runs every function of `runs` (name -> () => ms) `n` times, in rounds with the order rotating
 * from one round to the next, after three warm-up rounds; the median ms of each name. For paired
 * runs of two checkouts: a slow spell of the machine weighs on both.
 */
function rotated(n, runs) {
  const names = Object.keys(runs);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < 3; i++) names.forEach((name) => runs[name]());
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      times[name].push(runs[name]());
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(times[name])]));
}

/** cdktf.json's app command of a checkout. */
function appCommand(root) {
  return JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app;
}

/** The environment `cdktf synth` (0.21) runs an app command in, through a shell. */
function cdktfSynthEnv(outdir, extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TF_VAR_')));
  if (!env.NODE_OPTIONS) env.NODE_OPTIONS = '--max-old-space-size=4096';
  return { ...env, CDKTF_OUTDIR: outdir, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true', CDKTF_CONTEXT_JSON: '{"cdktfRelativeModules":[]}', SYNTH_HCL_OUTPUT: 'false', ...extra };
}

/** Runs `command` as `cdktf synth` runs an app command; wall-clock ms from spawn to exit, and its stdout. */
function runAsCdktfSynth(command, cwd, outdir, extra) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, { shell: true, cwd, env: cdktfSynthEnv(outdir, extra), encoding: 'utf8', maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

const quote = (arg) => `'${String(arg).replace(/'/g, `'\\''`)}'`;

/** One fresh process (in `cwd`) under the RSS hook: wall time (ms), peak RSS (MB), exit code and output. */
function measured(cwd, argv, work) {
  const rssFile = path.join(work, `rss-${process.hrtime.bigint()}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', path.join(__dirname, 'rss-hook.js'), ...argv], {
    cwd,
    env: { ...process.env, UMS_HA_BENCH_RSS: rssFile },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 60000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssMb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  return { ms, rssMb, code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A generated topology object read by a checkout's core, through the one reader entry (readInput;
 * validateValue in a checkout from before it): the resolved topology the synthesis starts from.
 */
function resolvedTopology(root, object) {
  // The package's core entry registers the built-in platforms the bootstrap asks (dist/core-entry.js).
  const entry = path.join(root, 'dist', 'core-entry.js');
  const core = require(fs.existsSync(entry) ? entry : path.join(root, 'dist', 'core', 'index.js'));
  const result = core.readInput ? core.readInput({ value: object }) : core.validateValue(object);
  if (!result.topology) throw new Error(`a generated topology does not validate: ${JSON.stringify(result.findings[0])}`);
  return result.topology;
}

module.exports = { resolvedTopology, median, timeSpawn, interleaved, rotated, appCommand, cdktfSynthEnv, runAsCdktfSynth, quote, measured };
