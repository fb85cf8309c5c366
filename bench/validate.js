'use strict';
/**
 * The validate paths of the bench (run.js selects and prints):
 *   validate-cold        node bin/ums-ha.js validate <one file>  vs  node -e 0, fresh processes
 *                        alternately, medians                                    (target <= 2.0x)
 *   validate-throughput  1,000 generated topologies validated in one process, through the CLI's
 *                        main (target >= 2,000/s); also shown: the same files each with a finding
 *                        (they take the authoritative YAML reader) and the bare yaml parse, for scale
 * With a baseline checkout (`--baseline-root`), each is measured for both checkouts in one run, in
 * rounds that alternate between them (the cold starts beside one `node -e 0`; the throughput with
 * both CLIs loaded in this process).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generateTopologies } = require('./generate');
const { interleaved, median, rotated, timeSpawn } = require('./lib');

function validateCold({ root, baselineRoot, quick, record }) {
  const file = path.join('topologies', 'berlin-small.yaml');
  const validate = (cwd) => () => timeSpawn(cwd, [path.join('bin', 'ums-ha.js'), 'validate', file]);
  const name = 'validate cold (1 file) / node -e 0';
  const detail = (ms, baseMs) => `${ms.toFixed(1)} ms vs ${baseMs.toFixed(1)} ms`;
  if (!baselineRoot) {
    const r = interleaved(quick ? 9 : 25, validate(root), () => timeSpawn(root, ['-e', '0']));
    record(name, r.ratio, 'x', '<= 2.0', r.ratio <= 2.0, detail(r.candidateMs, r.baselineMs));
    return;
  }
  const ms = rotated(quick ? 9 : 25, { ours: validate(root), theirs: validate(baselineRoot), node: () => timeSpawn(root, ['-e', '0']) });
  const ratio = ms.ours / ms.node;
  const theirs = ms.theirs / ms.node;
  record(name, ratio, 'x', '<= 2.0', ratio <= 2.0, detail(ms.ours, ms.node), { value: theirs, pass: theirs <= 2.0, detail: detail(ms.theirs, ms.node) });
}

/**
 * Validates every file of `dir` in this process with the CLI of each checkout of `roots` (name ->
 * root), `reps` times after one warm-up each, the order rotating between rounds; median ms per run
 * by name.
 */
async function timeValidateDir(roots, dir, reps) {
  const sink = { stdout: () => {}, stderr: (s) => process.stderr.write(s) };
  const runs = Object.entries(roots).map(([name, root]) => {
    const { main } = require(path.join(root, 'dist', 'ums-ha-cli.js'));
    const runOnce = async () => {
      const start = process.hrtime.bigint();
      const code = await main(['validate', dir, '--format', 'json'], sink);
      if (code === 2) throw new Error(`validate (${root}) could not read the generated files`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    return { name, runOnce, times: [] };
  });
  for (const run of runs) await run.runOnce();
  for (let i = 0; i < reps; i++) {
    for (let j = 0; j < runs.length; j++) {
      const run = runs[(i + j) % runs.length];
      run.times.push(await run.runOnce());
    }
  }
  return Object.fromEntries(runs.map((run) => [run.name, median(run.times)]));
}

/** The bare yaml parse of every file of `dir`, read from disk as validate reads it: median ms. */
function timeYamlParse(dir, reps) {
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
  return median(parseTimes);
}

async function validateThroughput({ root, baselineRoot, quick, record }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-'));
  const withFindings = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-findings-'));
  try {
    const topologies = generateTopologies(1000);
    topologies.forEach((text, i) => {
      const name = `t${String(i).padStart(4, '0')}.yaml`;
      fs.writeFileSync(path.join(dir, name), text);
      // The same file with one unknown key: a finding, so the authoritative reader reads it.
      fs.writeFileSync(path.join(withFindings, name), text.replace('metadata:\n', 'metadata:\n  owner: platform-team\n'));
    });
    const reps = quick ? 3 : 7;
    const roots = baselineRoot ? { ours: root, theirs: baselineRoot } : { ours: root };
    // The baseline column, built only when there is a baseline (its figures do not exist otherwise).
    const paired = (column) => (baselineRoot ? [column()] : []);
    const clean = await timeValidateDir(roots, dir, reps);
    const perSecond = (ms) => 1000 / (ms / 1000);
    const cleanDetail = (ms) => `${ms.toFixed(0)} ms per 1,000 files`;
    record('validate throughput (1,000 files, one process)', perSecond(clean.ours), 'files/s', '>= 2000', perSecond(clean.ours) >= 2000, cleanDetail(clean.ours), ...paired(() => ({ value: perSecond(clean.theirs), pass: perSecond(clean.theirs) >= 2000, detail: cleanDetail(clean.theirs) })));
    // Files with a finding take the authoritative reader (yaml, with positions): no target, shown
    // so the cost of a pull request full of broken files is known too.
    const slow = await timeValidateDir(roots, withFindings, reps);
    const slowDetail = (ms) => `${ms.toFixed(0)} ms per 1,000 files (authoritative reader)`;
    record('  the same, each file with a finding', perSecond(slow.ours), 'files/s', '-', true, slowDetail(slow.ours), ...paired(() => ({ value: perSecond(slow.theirs), pass: true, detail: slowDetail(slow.theirs) })));
    // For scale: the yaml library alone parsing the same clean files, read from disk the same way.
    const parseMs = timeYamlParse(dir, reps);
    const parseDetail = (ms) => `validate takes ${(ms / parseMs).toFixed(2)}x the bare yaml parse`;
    record('  baseline: read + yaml parse only', perSecond(parseMs), 'files/s', '-', true, parseDetail(clean.ours), ...paired(() => ({ value: perSecond(parseMs), pass: true, detail: parseDetail(clean.theirs) })));
  } finally {
    [dir, withFindings].forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  }
}

module.exports = { 'validate-cold': validateCold, 'validate-throughput': validateThroughput };
