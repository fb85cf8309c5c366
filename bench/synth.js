'use strict';
/**
 * The synthesis paths of the bench (run.js selects and prints):
 *   synth       cdktf.json's app command over 1 and 50 generated topologies, run as `cdktf synth`
 *               runs it (a shell, its environment), spawn to exit,  vs  plain cdktf declaring the
 *               same VMs (same attributes, same-size guestinfo payload) with no domain logic
 *               (bench/synth-baseline.js), run the same way; beside it the app loaded directly,
 *               timed in-process; fresh processes in rounds, the median of the rounds' ratios
 *               (target <= 1.3x); and the peak resident memory synthesizing 50   (target <= 150 MB)
 *   cdktf-cli   the whole `cdktf synth` command (CLI included), ums-ha vs the same CLI running the
 *               baseline as its app (no target: the CLI's own cost is shared)
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { appCommand, interleaved, median, quote, resolvedTopology, runAsCdktfSynth } = require('./lib');

/**
 * Synthesis of `count` generated topologies against the raw-cdktf baseline, in fresh processes, in
 * rounds of three back to back (rotating the order): the baseline and cdktf.json's app command, both
 * run as `cdktf synth` runs an app command (a shell, its environment), timed from spawn to exit; and
 * the app loaded directly (bench/synth-candidate.js), timed inside the process against the
 * baseline's own in-process time, as before. Ratios: the median of the rounds' ratios.
 */
function benchSynth(root, count, reps) {
  const { generateTopologyObjects } = require('./generate');
  const { stringify } = require('yaml');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-synth-'));
  try {
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    const objects = generateTopologyObjects(count, 7);
    objects.forEach((o, i) => fs.writeFileSync(path.join(dir, `t${i}.yaml`), stringify(o)));
    const vmCounts = objects.map((o) => resolvedTopology(root, o).nodes.length).join(',');
    // The baseline's VMs carry a payload as large as ours, on average.
    const { renderUserData, encodeGuestinfo } = require(path.join(root, 'dist', 'bootstrap', 'cloud-init.js'));
    const sizes = objects.flatMap((o) => {
      const t = resolvedTopology(root, o);
      return t.nodes.map((n) => encodeGuestinfo('userdata', renderUserData(t, n), { gzip: true }).value.length);
    });
    const payloadBytes = String(Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length));
    const baselineCommand = (out) => `node ${quote(path.join(__dirname, 'synth-baseline.js'))} ${quote(out)} ${vmCounts} ${payloadBytes}`;
    let k = 0;
    const runs = {
      base: () => {
        const r = runAsCdktfSynth(baselineCommand(path.join(work, `b${k++}`)), root, path.join(work, `b${k++}`));
        return { wall: r.ms, inProcess: JSON.parse(r.stdout).ms };
      },
      app: () => ({ wall: runAsCdktfSynth(appCommand(root), root, path.join(work, `a${k++}`), { UMS_TOPOLOGY_DIR: dir }).ms }),
      direct: () => {
        const r = spawnSync(process.execPath, [path.join(__dirname, 'synth-candidate.js'), dir, path.join(work, `c${k++}`)], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`synth-candidate.js failed: ${r.stderr}`);
        const out = JSON.parse(r.stdout);
        return { inProcess: out.ms, maxRssMb: out.maxRssMb };
      },
    };
    // One round to warm the file cache (and write a compile cache the build did not), then rounds
    // back to back in rotating order, so a slow spell of the machine weighs on every side of a round.
    const names = ['base', 'app', 'direct'];
    names.forEach((name) => runs[name]());
    const rounds = [];
    for (let i = 0; i < reps; i++) {
      const round = {};
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        round[name] = runs[name]();
      }
      rounds.push(round);
    }
    return {
      appRatio: median(rounds.map((r) => r.app.wall / r.base.wall)),
      appMs: median(rounds.map((r) => r.app.wall)),
      baseWallMs: median(rounds.map((r) => r.base.wall)),
      directRatio: median(rounds.map((r) => r.direct.inProcess / r.base.inProcess)),
      directMs: median(rounds.map((r) => r.direct.inProcess)),
      baseInProcessMs: median(rounds.map((r) => r.base.inProcess)),
      directRss: Math.max(...rounds.map((r) => r.direct.maxRssMb)),
      vms: vmCounts.split(',').reduce((a, b) => a + Number(b), 0),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function synth({ root, quick, record }) {
  for (const count of [1, 50]) {
    const r = benchSynth(root, count, quick ? 3 : count === 1 ? 11 : 7);
    const label = `synth ${count} topolog${count === 1 ? 'y' : 'ies'}`;
    record(`${label}, cdktf.json app / raw cdktf`, r.appRatio, 'x', '<= 1.3', r.appRatio <= 1.3, `as cdktf synth runs both, spawn to exit: medians ${r.appMs.toFixed(0)} ms vs ${r.baseWallMs.toFixed(0)} ms, ${r.vms} VMs`);
    record(`  the app loaded directly / raw cdktf`, r.directRatio, 'x', '<= 1.3', r.directRatio <= 1.3, `bench/synth-candidate.js, in-process: medians ${r.directMs.toFixed(0)} ms vs ${r.baseInProcessMs.toFixed(0)} ms`);
    if (count === 50) record('synth 50 topologies peak RSS', r.directRss, 'MB', '<= 150', r.directRss <= 150, 'the app loaded directly');
  }
}

/**
 * `cdktf synth` itself, end to end (the CLI's own start, its terraform calls, then the app): over one
 * generated topology with ums-ha's cdktf.json, against the same CLI running the baseline as its app
 * in a project of its own. The CLI's cost is on both sides; this is what a user waits for.
 */
function benchCdktfCli(root, reps) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-cli-'));
  try {
    const { generateTopologyObjects } = require('./generate');
    const { stringify } = require('yaml');
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    const [doc] = generateTopologyObjects(1, 7);
    fs.writeFileSync(path.join(dir, 't0.yaml'), stringify(doc));
    const vms = resolvedTopology(root, doc).nodes.length;
    const baseline = path.join(work, 'baseline');
    fs.mkdirSync(baseline);
    // A project like ums-ha's: a package.json with the same framework dependencies and node_modules.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(baseline, 'package.json'), JSON.stringify({ name: 'baseline', private: true, dependencies: { cdktf: pkg.dependencies.cdktf, constructs: pkg.dependencies.constructs, '@cdktf/provider-vsphere': pkg.dependencies['@cdktf/provider-vsphere'] }, devDependencies: { 'cdktf-cli': pkg.devDependencies['cdktf-cli'] } }));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(baseline, 'node_modules'));
    const config = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
    fs.writeFileSync(path.join(baseline, 'cdktf.json'), JSON.stringify({ ...config, app: `node ${quote(path.join(__dirname, 'synth-baseline.js'))} "$CDKTF_OUTDIR" ${vms} 9000` }));
    const cli = path.join(root, 'node_modules', '.bin', 'cdktf');
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CI: '1', UMS_TOPOLOGY_DIR: dir };
    let k = 0;
    const run = (cwd) => () => {
      const start = process.hrtime.bigint();
      const r = spawnSync(cli, ['synth', '--output', path.join(work, `o${k++}`)], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 22 });
      if (r.status !== 0) throw new Error(`cdktf synth in ${cwd} exited ${r.status}: ${r.stderr}${r.stdout}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    return interleaved(reps, run(root), run(baseline));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function cdktfCli({ root, quick, record }) {
  const cli = benchCdktfCli(root, quick ? 2 : 5);
  record('cdktf synth (the CLI), 1 topology / the CLI with raw cdktf', cli.ratio, 'x', '-', true, `the whole command: medians ${cli.candidateMs.toFixed(0)} ms vs ${cli.baselineMs.toFixed(0)} ms`);
}

module.exports = { synth, 'cdktf-cli': cdktfCli };
