#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: speed and memory targets as ratios against baselines measured in the same run,
 * so the figures mean the same on a slow or a busy machine. Prints a table and writes
 * bench/results.json. Run after `npm run build` (the npm script does).
 *
 *   validate cold      node bin/ums-ha.js validate <one file>  vs  node -e 0   (target <= 2.0x)
 *   validate files/s   1,000 generated topologies in one process             (target >= 2,000/s);
 *                      also shown: the same files each with a finding (they take the authoritative
 *                      YAML reader) and the bare yaml parse, for scale
 *   synth 1 / 100      the app over 1 and 100 generated topologies  vs  plain cdktf declaring
 *                      the same VMs (same attributes, same-size guestinfo payload) with no domain
 *                      logic (bench/synth-baseline.js); fresh processes, run in pairs, the median
 *                      of the pairs' ratios                                       (target <= 1.3x)
 *   synth 100 RSS      peak resident memory synthesizing 100 topologies          (target <= 150 MB)
 *   hostile <class>    node bin/ums-ha.js validate on the worst file of each hostile class under the
 *                      input bounds (bench/hostile.js; also a 1.9 GB sparse file, /dev/zero, a FIFO),
 *                      fresh processes: median time and peak RSS   (target < 2 s and < 200 MB each);
 *                      shown with the ratio to node -e 0 measured in the same run
 *
 *   synth aws 1 / 50   the app over 1 and 50 generated aws topologies  vs  plain cdktf declaring the
 *                      same AWS resources (bench/synth-baseline-aws.js), paired as above (target <= 1.3x)
 *   aws bindings       modules of @cdktf/provider-aws an app of vSphere files alone loads (target 0),
 *                      with what loading them would cost
 *
 * Options: --quick (fewer repetitions), --only=<name>[,<name>]
 *          (validate-cold, validate-throughput, synth, synth-aws, aws-bindings, hostile).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generateTopologies } = require('./generate');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = (args.find((a) => a.startsWith('--only=')) || '').slice('--only='.length).split(',').filter(Boolean);
const wanted = (name) => only.length === 0 || only.includes(name);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeSpawn(argv, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
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

const results = [];
function record(name, value, unit, target, pass, detail) {
  results.push({ name, value: Number(value.toFixed(3)), unit, target, pass, detail });
}

if (wanted('validate-cold')) {
  const file = path.join('topologies', 'berlin-small.yaml');
  const r = interleaved(
    quick ? 9 : 25,
    () => timeSpawn([path.join('bin', 'ums-ha.js'), 'validate', file]),
    () => timeSpawn(['-e', '0']),
  );
  record('validate cold (1 file) / node -e 0', r.ratio, 'x', '<= 2.0', r.ratio <= 2.0, `${r.candidateMs.toFixed(1)} ms vs ${r.baselineMs.toFixed(1)} ms`);
}

/** One fresh process under the RSS hook: wall time (ms), peak RSS (MB), exit code and output. */
function measured(argv, work) {
  const rssFile = path.join(work, `rss-${process.hrtime.bigint()}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', path.join(__dirname, 'rss-hook.js'), ...argv], {
    cwd: root,
    env: { ...process.env, UMS_HA_BENCH_RSS: rssFile },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 60000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssMb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  return { ms, rssMb, code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

if (wanted('hostile')) {
  const { HOSTILE } = require('./hostile');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-hostile-'));
  try {
    const cases = Object.entries(HOSTILE).map(([name, make]) => {
      const file = path.join(work, `${name.replace(/\W+/g, '-')}.yaml`);
      fs.writeFileSync(file, make());
      return [name, file];
    });
    const big = path.join(work, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 1_900_000_000); // sparse: no disk space
    const fifo = path.join(work, 'pipe.yaml');
    spawnSync('mkfifo', [fifo]);
    cases.push(['file over the limit (1.9 GB)', big], ['/dev/zero', '/dev/zero'], ['a FIFO', fifo]);
    const reps = quick ? 1 : 3;
    const base = median(Array.from({ length: reps + 2 }, () => measured(['-e', '0'], work).ms));
    for (const [name, file] of cases) {
      const runs = Array.from({ length: reps }, () => measured([path.join('bin', 'ums-ha.js'), 'validate', file, '--format', 'json'], work));
      const ms = median(runs.map((r) => r.ms));
      const mb = Math.max(...runs.map((r) => r.rssMb));
      const last = runs[runs.length - 1];
      // Every class ends in findings (exit 1) or a one-line problem (exit 2), never an internal error.
      const answered = runs.every((r) => (r.code === 1 && r.stderr === '') || (r.code === 2 && r.stderr.trim().split('\n').length === 1 && !r.stderr.includes('internal error')));
      const why = last.code === 1 ? (JSON.parse(last.stdout).files[0].findings[0] || { message: '?' }).message : last.stderr.trim();
      record(`hostile: ${name}`, ms, 'ms', '< 2000, < 200 MB', answered && ms < 2000 && mb < 200, `${mb.toFixed(0)} MB peak, ${(ms / base).toFixed(1)}x node -e 0 (${base.toFixed(0)} ms); exit ${last.code}: ${why.slice(0, 70)}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Synthesis of `count` generated topologies: ums-ha vs the raw-cdktf baseline, fresh processes. */
function benchSynth(count, reps) {
  const { resolveTopology } = require(path.join(root, 'dist', 'topology', 'resolve.js'));
  const { generateTopologyObjects } = require('./generate');
  const { stringify } = require('yaml');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-synth-'));
  try {
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    const objects = generateTopologyObjects(count, 7);
    objects.forEach((o, i) => fs.writeFileSync(path.join(dir, `t${i}.yaml`), stringify(o)));
    const vmCounts = objects.map((o) => resolveTopology(o).nodes.length).join(',');
    // The baseline's VMs carry a payload as large as ours, on average.
    const { renderUserData, encodeGuestinfo } = require(path.join(root, 'dist', 'bootstrap', 'cloud-init.js'));
    const sizes = objects.flatMap((o) => {
      const t = resolveTopology(o);
      return t.nodes.map((n) => encodeGuestinfo('userdata', renderUserData(t, n), { gzip: true }).value.length);
    });
    const payloadBytes = String(Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length));
    const child = (script, argv) => {
      const r = spawnSync(process.execPath, [path.join(__dirname, script), ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    // One pair to warm the file cache, then pairs run back to back in alternating order; the ratio is
    // the median of the pairs' ratios, so a slow spell of the machine weighs on both sides of a pair.
    child('synth-baseline.js', [path.join(work, 'warm-b'), vmCounts, payloadBytes]);
    child('synth-candidate.js', [dir, path.join(work, 'warm-c')]);
    const pairs = [];
    for (let i = 0; i < reps; i++) {
      const runBase = () => child('synth-baseline.js', [path.join(work, `b${i}`), vmCounts, payloadBytes]);
      const runOurs = () => child('synth-candidate.js', [dir, path.join(work, `c${i}`)]);
      if (i % 2) {
        const ours = runOurs();
        pairs.push({ ours, base: runBase() });
      } else {
        const base = runBase();
        pairs.push({ ours: runOurs(), base });
      }
    }
    const ms = (pick) => median(pairs.map((p) => pick(p).ms));
    return {
      ratio: median(pairs.map((p) => p.ours.ms / p.base.ms)),
      ours: ms((p) => p.ours),
      base: ms((p) => p.base),
      oursRss: Math.max(...pairs.map((p) => p.ours.maxRssMb)),
      baseRss: Math.max(...pairs.map((p) => p.base.maxRssMb)),
      vms: vmCounts.split(',').reduce((a, b) => a + Number(b), 0),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (wanted('synth')) {
  for (const count of [1, 100]) {
    const r = benchSynth(count, quick ? 3 : count === 1 ? 11 : 7);
    const { ratio } = r;
    record(`synth ${count} topolog${count === 1 ? 'y' : 'ies'} / raw cdktf`, ratio, 'x', '<= 1.3', ratio <= 1.3, `median of paired ratios; medians ${r.ours.toFixed(0)} ms vs ${r.base.toFixed(0)} ms, ${r.vms} VMs`);
    if (count === 100) {
      record('synth 100 topologies peak RSS', r.oursRss, 'MB', '<= 150', r.oursRss <= 150, `baseline ${r.baseRss.toFixed(0)} MB`);
    }
  }
}

/** Synthesis of `count` generated aws topologies: ums-ha vs the raw-cdktf baseline with the same resources. */
function benchAwsSynth(count, reps) {
  const { resolveTopology } = require(path.join(root, 'dist', 'topology', 'resolve.js'));
  const { securityGroupRules, loadBalancerPorts } = require(path.join(root, 'dist', 'topology', 'aws.js'));
  const { renderUserData, encodeEc2UserData } = require(path.join(root, 'dist', 'bootstrap', 'cloud-init.js'));
  const { generateAwsTopologyObjects } = require('./generate');
  const { stringify } = require('yaml');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-aws-'));
  try {
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    const objects = generateAwsTopologyObjects(count, 11);
    objects.forEach((o, i) => fs.writeFileSync(path.join(dir, `t${i}.yaml`), stringify(o)));
    const shapes = objects.map((o) => {
      const t = resolveTopology(o);
      const rules = securityGroupRules(t);
      return { instances: t.nodes.length, subnets: o.spec.aws.subnets.length, ingress: rules.filter((r) => r.direction === 'ingress').length, egress: rules.filter((r) => r.direction === 'egress').length, ports: loadBalancerPorts(t).length };
    });
    const shapesFile = path.join(work, 'shapes.json');
    fs.writeFileSync(shapesFile, JSON.stringify(shapes));
    const sizes = objects.flatMap((o) => {
      const t = resolveTopology(o);
      return t.nodes.map((n) => encodeEc2UserData('user data', renderUserData(t, n)).length);
    });
    const payloadChars = String(Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length));
    const child = (script, argv) => {
      const r = spawnSync(process.execPath, [path.join(__dirname, script), ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    child('synth-baseline-aws.js', [path.join(work, 'warm-b'), shapesFile, payloadChars]);
    child('synth-candidate.js', [dir, path.join(work, 'warm-c')]);
    const pairs = [];
    for (let i = 0; i < reps; i++) {
      const runBase = () => child('synth-baseline-aws.js', [path.join(work, `b${i}`), shapesFile, payloadChars]);
      const runOurs = () => child('synth-candidate.js', [dir, path.join(work, `c${i}`)]);
      if (i % 2) {
        const ours = runOurs();
        pairs.push({ ours, base: runBase() });
      } else {
        const base = runBase();
        pairs.push({ ours: runOurs(), base });
      }
    }
    const ms = (pick) => median(pairs.map((p) => pick(p).ms));
    return {
      ratio: median(pairs.map((p) => p.ours.ms / p.base.ms)),
      ours: ms((p) => p.ours),
      base: ms((p) => p.base),
      instances: shapes.reduce((a, b) => a + b.instances, 0),
      rules: shapes.reduce((a, b) => a + b.ingress + b.egress, 0),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (wanted('synth-aws')) {
  for (const count of [1, 50]) {
    const r = benchAwsSynth(count, quick ? 3 : count === 1 ? 11 : 7);
    record(`synth ${count} aws topolog${count === 1 ? 'y' : 'ies'} / raw cdktf`, r.ratio, 'x', '<= 1.3', r.ratio <= 1.3, `median of paired ratios; medians ${r.ours.toFixed(0)} ms vs ${r.base.toFixed(0)} ms, ${r.instances} instances, ${r.rules} security group rules`);
  }
}

if (wanted('aws-bindings')) {
  // An app of vSphere files alone must not read the AWS bindings: count the modules it loads.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-bindings-'));
  try {
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    for (const f of ['berlin-small.yaml', 'frankfurt-large.yaml']) fs.copyFileSync(path.join(root, 'topologies', f), path.join(dir, f));
    const counter = path.join(root, '__tests__', 'fixtures', 'count-aws-bindings.js');
    const r = spawnSync(process.execPath, ['-r', counter, path.join(__dirname, 'synth-candidate.js'), dir, path.join(work, 'out')], { encoding: 'utf8' });
    const loaded = Number((/aws-bindings-loaded=(\d+)/.exec(r.stderr) || [])[1] ?? -1);
    // What they would cost: loading the bindings the aws stack uses, in a fresh process, vs node -e 0.
    const bindings = ['provider', 'instance', 'lb', 'lb-target-group', 'lb-listener', 'lb-target-group-attachment', 'security-group', 'vpc-security-group-ingress-rule', 'vpc-security-group-egress-rule', 'iam-role', 'iam-role-policy', 'iam-instance-profile', 'data-aws-vpc', 'data-aws-subnet', 'data-aws-caller-identity', 'data-aws-partition'];
    const load = interleaved(
      quick ? 3 : 9,
      () => timeSpawn(['-e', `${bindings.map((b) => `require('@cdktf/provider-aws/lib/${b}')`).join(';')}`]),
      () => timeSpawn(['-e', "require('cdktf')"]),
    );
    record('vSphere-only app: AWS binding modules loaded', loaded, 'modules', '= 0', loaded === 0, `loading them would add ${(load.candidateMs - load.baselineMs).toFixed(0)} ms (${load.candidateMs.toFixed(0)} ms vs ${load.baselineMs.toFixed(0)} ms for cdktf alone)`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Validates every file of `dir` in this process `reps` times (after one warm-up); median ms per run. */
async function timeValidateDir(dir, reps) {
  const { main } = require(path.join(root, 'dist', 'ums-ha-cli.js'));
  const sink = { stdout: () => {}, stderr: (s) => process.stderr.write(s) };
  const runOnce = async () => {
    const start = process.hrtime.bigint();
    const code = await main(['validate', dir, '--format', 'json'], sink);
    if (code === 2) throw new Error('validate could not read the generated files');
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  await runOnce();
  const times = [];
  for (let i = 0; i < reps; i++) times.push(await runOnce());
  return median(times);
}

if (wanted('validate-throughput')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-'));
  const withFindings = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-findings-'));
  const cleanup = () => [dir, withFindings].forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  try {
    const topologies = generateTopologies(1000);
    topologies.forEach((text, i) => {
      const name = `t${String(i).padStart(4, '0')}.yaml`;
      fs.writeFileSync(path.join(dir, name), text);
      // The same file with one unknown key: a finding, so the authoritative reader reads it.
      fs.writeFileSync(path.join(withFindings, name), text.replace('metadata:\n', 'metadata:\n  owner: platform-team\n'));
    });
    const reps = quick ? 3 : 7;
    (async () => {
      const ms = await timeValidateDir(dir, reps);
      const perSecond = 1000 / (ms / 1000);
      record('validate throughput (1,000 files, one process)', perSecond, 'files/s', '>= 2000', perSecond >= 2000, `${ms.toFixed(0)} ms per 1,000 files`);
      // Files with a finding take the authoritative reader (yaml, with positions): no target, shown
      // so the cost of a pull request full of broken files is known too.
      const slowMs = await timeValidateDir(withFindings, reps);
      record('  the same, each file with a finding', 1000 / (slowMs / 1000), 'files/s', '-', true, `${slowMs.toFixed(0)} ms per 1,000 files (authoritative reader)`);
      // For scale: the yaml library alone parsing the same clean files, read from disk the same way.
      const yaml = require('yaml');
      const files = fs.readdirSync(dir).map((n) => path.join(dir, n));
      const parseOnly = () => {
        const start = process.hrtime.bigint();
        for (const f of files) yaml.parseAllDocuments(fs.readFileSync(f, 'utf8'), { lineCounter: new yaml.LineCounter() });
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      parseOnly();
      const parseTimes = [];
      for (let i = 0; i < reps; i++) parseTimes.push(parseOnly());
      const parseMs = median(parseTimes);
      record('  baseline: read + yaml parse only', 1000 / (parseMs / 1000), 'files/s', '-', true, `validate takes ${(ms / parseMs).toFixed(2)}x the bare yaml parse`);
      finish();
    })()
      .catch((err) => {
        process.stderr.write(`bench: ${err.message}\n`);
        process.exitCode = 1;
      })
      .finally(cleanup);
  } catch (err) {
    cleanup();
    throw err;
  }
} else {
  finish();
}

function finish() {
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const width = Math.max(...results.map((r) => r.name.length));
  process.stdout.write(`\nums-ha bench on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}\n\n`);
  process.stdout.write(`${'measure'.padEnd(width)}  ${'value'.padStart(10)}  target      ok    detail\n`);
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(width)}  ${`${r.value} ${r.unit}`.padStart(10)}  ${r.target.padEnd(10)}  ${r.pass ? 'yes' : 'NO '}   ${r.detail}\n`);
  }
  const out = { date: new Date().toISOString(), machine, results };
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write('\nwritten: bench/results.json\n');
}
