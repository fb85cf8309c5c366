'use strict';
/**
 * The AWS paths of the bench (run.js selects and prints):
 *   synth-aws      the app over 1 and 50 generated aws topologies  vs  plain cdktf declaring the
 *                  same AWS resources (bench/synth-baseline-aws.js), fresh processes, alternately,
 *                  the median of paired ratios                                   (target <= 1.3x)
 *   aws-bindings   modules of @cdktf/provider-aws an app of vSphere files alone loads (target 0),
 *                  with what loading them would cost
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { interleaved, median, resolvedTopology, timeSpawn } = require('./lib');

/** Synthesis of `count` generated aws topologies: ums-ha vs the raw-cdktf baseline with the same resources. */
function benchAwsSynth(root, count, reps) {
  const { securityGroupRules, loadBalancerPorts } = require(path.join(root, 'dist', 'platforms', 'aws', 'placement.js'));
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
      const t = resolvedTopology(root, o);
      const rules = securityGroupRules(t);
      return { instances: t.nodes.length, subnets: o.spec.aws.subnets.length, ingress: rules.filter((r) => r.direction === 'ingress').length, egress: rules.filter((r) => r.direction === 'egress').length, ports: loadBalancerPorts(t).length };
    });
    const shapesFile = path.join(work, 'shapes.json');
    fs.writeFileSync(shapesFile, JSON.stringify(shapes));
    const sizes = objects.flatMap((o) => {
      const t = resolvedTopology(root, o);
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

function synthAws({ root, quick, record }) {
  for (const count of [1, 50]) {
    const r = benchAwsSynth(root, count, quick ? 3 : count === 1 ? 11 : 7);
    record(`synth ${count} aws topolog${count === 1 ? 'y' : 'ies'} / raw cdktf`, r.ratio, 'x', '<= 1.3', r.ratio <= 1.3, `median of paired ratios; medians ${r.ours.toFixed(0)} ms vs ${r.base.toFixed(0)} ms, ${r.instances} instances, ${r.rules} security group rules`);
  }
}

function awsBindings({ root, quick, record }) {
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
      () => timeSpawn(root, ['-e', `${bindings.map((b) => `require('@cdktf/provider-aws/lib/${b}')`).join(';')}`]),
      () => timeSpawn(root, ['-e', "require('cdktf')"]),
    );
    record('vSphere-only app: AWS binding modules loaded', loaded, 'modules', '= 0', loaded === 0, `loading them would add ${(load.candidateMs - load.baselineMs).toFixed(0)} ms (${load.candidateMs.toFixed(0)} ms vs ${load.baselineMs.toFixed(0)} ms for cdktf alone)`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { 'synth-aws': synthAws, 'aws-bindings': awsBindings };
