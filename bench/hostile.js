'use strict';
/**
 * The worst topology file of each hostile class under the input bounds (docs/cli.md, "Input
 * bounds": at most 1 MiB and 10,000 structure marks, so the worst file of a class is the one just
 * under the marks bound). `npm run bench` times `ums-ha validate` on each in a fresh process and
 * reports its peak memory; the tests and the fuzz suite use smaller instances of the same shapes.
 *
 *   hostile <class>    node bin/ums-ha.js validate on the worst file of each hostile class (also a
 *                      1.9 GB sparse file, /dev/zero, a FIFO), fresh processes: median time and
 *                      peak RSS (target < 2 s and < 200 MB each); shown with the ratio to
 *                      node -e 0 measured in the same run
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { measured, median } = require('./lib');

const LIMIT = 1024 * 1024;
/** Structure marks used by each worst case: just under the bound of 10,000 (core/document/source.ts). */
const MARKS = 9_900;
const BASE = fs.readFileSync(path.join(__dirname, '..', 'topologies', 'berlin-small.yaml'), 'utf8');
const BASE_MARKS = 120;

const list = (n, item) => Array.from({ length: n }, (_, i) => item(i)).join(',');

/** name -> () => file text, each under 1 MiB and under the marks bound. */
const HOSTILE = {
  // 100 aliases of the longest list that fits ("billion laughs" by width): 2 million values.
  'alias amplification': () => `a: &a [${list(MARKS - 110, () => '0')}]\nx: [${list(100, () => '*a')}]\n`,
  // Anchors that double at each level: 2^60 values.
  'alias doubling': () => {
    const lines = ['l0: &l0 [x, x]'];
    for (let i = 1; i < 60; i++) lines.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
    return `${lines.join('\n')}\n`;
  },
  // The most keys one mapping can have (a flow mapping of keys alone: one mark each).
  'many keys': () => `{${list(MARKS, (i) => `k${i}`)}}\n`,
  // The same key, again and again (the duplicate-key check).
  'duplicate keys': () => `{${list(MARKS, () => 'k')}}\n`,
  // Unknown keys, as many as the bounds let through: mappings of 999 unknown keys in spec.nodes.
  'many unknown keys': () => {
    const per = 999;
    const n = Math.floor((MARKS - BASE_MARKS) / (per + 1));
    return `${BASE.replace(/\n$/, '')}\n  nodes: [${list(n, () => `{${list(per, (i) => `u${i}`)}}`)}]\n`;
  },
  // A list of bad values as long as the bound allows: one schema finding each.
  'many findings': () => BASE.replace('dns: [10.20.0.10]', `dns: [${list(MARKS - BASE_MARKS, (i) => `x${i}`)}]`),
  // Deep flow nesting behind a quote inside a plain scalar (the quote fooled a character scan).
  'flow depth behind a quote': () => `a: b"c\nd: ${'['.repeat(MARKS - 10)}${']'.repeat(MARKS - 10)}\n`,
  // Deep block nesting on one line.
  'block depth': () => `a:\n${'- '.repeat(MARKS - 10)}x\n`,
  // Deep block nesting by indentation.
  'indentation depth': () => {
    const parts = [];
    let size = 0;
    for (let i = 0; size < LIMIT - 4096; i++) {
      const line = `${' '.repeat(i)}k${i}:\n`;
      parts.push(line);
      size += line.length;
    }
    return parts.join('');
  },
  // One scalar as long as the file.
  'one long string': () => BASE.replace('description: Berlin office, IGEL OS 11 and OS 12 devices', `description: ${'x'.repeat(LIMIT - BASE.length - 100)}`),
  // Long comment lines with bare CRs: a line only one of the readers sees.
  'bare CRs': () => `${BASE}${'#\r'.repeat(Math.floor((LIMIT - BASE.length - 10) / 2))}\n`,
};

/** The hostile classes' files, and the files that are not plain files, in `work`: [name, file] each. */
function hostileFiles(work) {
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
  return cases;
}

function hostile({ root, quick, record }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-hostile-'));
  try {
    const cases = hostileFiles(work);
    const reps = quick ? 1 : 3;
    const base = median(Array.from({ length: reps + 2 }, () => measured(root, ['-e', '0'], work).ms));
    for (const [name, file] of cases) {
      const runs = Array.from({ length: reps }, () => measured(root, [path.join('bin', 'ums-ha.js'), 'validate', file, '--format', 'json'], work));
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

module.exports = { HOSTILE, LIMIT, hostile };
