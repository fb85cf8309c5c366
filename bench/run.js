#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: speed and memory targets as ratios against baselines measured in the same run,
 * so the figures mean the same on a slow or a busy machine. Prints a table and writes
 * bench/results.json. Run after `npm run build` (the npm script does). One file per measured path
 * says what it measures and how:
 *
 *   bench/validate.js    validate-cold (one file vs node -e 0, <= 2.0x), validate-throughput
 *                        (1,000 files in one process, >= 2,000/s)
 *   bench/invocation.js  invocation: validate through the bin, node_modules/.bin, npx and npm run
 *   bench/synth.js       cdktf-cli (the whole `cdktf synth`), synth (1 and 50 topologies vs raw
 *                        cdktf, <= 1.3x; peak RSS of 50, <= 150 MB)
 *   bench/edit.js        with synth: the first synth after an edit (<= 3 s)
 *   bench/hostile.js     hostile: validate on the worst file of each hostile class (< 2 s, < 200 MB)
 *   bench/aws.js         synth-aws (1 and 50 aws topologies vs raw cdktf, <= 1.3x), aws-bindings
 *                        (AWS binding modules a vSphere-only app loads, = 0)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const USAGE = `usage: node bench/run.js [--quick] [--only=<name>[,<name>...]] [--baseline-root=<checkout>]

  --quick                   fewer repetitions
  --only=<names>            measure only these (in the usual order): validate-cold,
                            validate-throughput, invocation, cdktf-cli, synth, hostile, synth-aws,
                            aws-bindings; or a group: validate (validate-cold, validate-throughput)
  --baseline-root=<dir>     also measure another built checkout (e.g. the code before a change),
                            alternately with this one in the same run, and print both columns;
                            measured for validate-cold and validate-throughput (the other rows show
                            "-"). UMS_HA_BENCH_BASELINE_ROOT does the same.
  --help                    this text

Writes bench/results.json (with --baseline-root, each result also carries "baseline").
`;

/** Every measurement, in the order they run and print: the option that selects it, and where it is. */
const MEASURES = [
  ['validate-cold', './validate'],
  ['invocation', './invocation'],
  ['cdktf-cli', './synth'],
  ['synth', './synth'],
  ['synth', './edit', 'edit'],
  ['hostile', './hostile'],
  ['synth-aws', './aws'],
  ['aws-bindings', './aws'],
  ['validate-throughput', './validate'],
];
/** Measured for both checkouts with --baseline-root. */
const PAIRED = new Set(['validate-cold', 'validate-throughput']);
const GROUPS = { validate: ['validate-cold', 'validate-throughput'] };

function parseArgs(args) {
  const value = (name) => (args.find((a) => a.startsWith(`--${name}=`)) || '').slice(name.length + 3);
  const known = new Set(MEASURES.map(([name]) => name));
  const only = value('only').split(',').filter(Boolean).flatMap((name) => GROUPS[name] ?? [name]);
  // --baseline-root= without a folder (an unset variable in a script) is refused, not read as "no baseline".
  const unknown = [...only.filter((name) => !known.has(name)), ...args.filter((a) => !/^--(quick|help|only=.*|baseline-root=.+)$/.test(a))];
  const baseline = value('baseline-root') || process.env.UMS_HA_BENCH_BASELINE_ROOT || '';
  return { help: args.includes('--help'), quick: args.includes('--quick'), only, unknown, baselineRoot: baseline ? path.resolve(baseline) : undefined };
}

function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Prints the table and writes bench/results.json. */
function finish(results, baselineRoot) {
  const m = machine();
  const width = Math.max(...results.map((r) => r.name.length));
  const shown = (r) => `${r.value} ${r.unit}`.padStart(10);
  process.stdout.write(`\nums-ha bench on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}\n`);
  if (baselineRoot) process.stdout.write(`baseline: ${baselineRoot}, measured alternately in this run\n`);
  process.stdout.write(`\n${'measure'.padEnd(width)}  ${'value'.padStart(10)}  ${baselineRoot ? `${'baseline'.padStart(10)}  ` : ''}target      ok    detail\n`);
  for (const r of results) {
    const base = baselineRoot ? `${r.baseline ? shown({ ...r.baseline, unit: r.unit }) : '-'.padStart(10)}  ` : '';
    const detail = r.baseline ? `${r.detail}; baseline: ${r.baseline.detail}` : r.detail;
    process.stdout.write(`${r.name.padEnd(width)}  ${shown(r)}  ${base}${r.target.padEnd(10)}  ${r.pass ? 'yes' : 'NO '}   ${detail}\n`);
  }
  const out = { date: new Date().toISOString(), machine: m, ...(baselineRoot ? { baselineRoot } : {}), results };
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write('\nwritten: bench/results.json\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) return void process.stdout.write(USAGE);
  if (options.unknown.length > 0) {
    process.stderr.write(`bench: unknown ${options.unknown.map((a) => `"${a}"`).join(', ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.baselineRoot && !fs.existsSync(path.join(options.baselineRoot, 'dist', 'ums-ha-cli.js'))) {
    process.stderr.write(`bench: ${options.baselineRoot} is not a built checkout (no dist/ums-ha-cli.js): run npm run build there\n`);
    process.exitCode = 2;
    return;
  }
  const results = [];
  const record = (name, value, unit, target, pass, detail, baseline) => {
    results.push({ name, value: Number(value.toFixed(3)), unit, target, pass, detail, ...(baseline ? { baseline: { ...baseline, value: Number(baseline.value.toFixed(3)) } } : {}) });
  };
  const root = path.resolve(__dirname, '..');
  for (const [name, file, fn = name] of MEASURES) {
    if (options.only.length > 0 && !options.only.includes(name)) continue;
    const baselineRoot = PAIRED.has(name) ? options.baselineRoot : undefined;
    await require(file)[fn]({ root, baselineRoot, quick: options.quick, record });
  }
  finish(results, options.baselineRoot);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 1;
});
