'use strict';
/**
 * How to call `validate` (run.js selects and prints): the README's invocation (node bin/ums-ha.js in
 * the checkout), the bin a project that depends on ums-ha gets (node_modules/.bin/ums-ha), and
 * through npm (npx --no-install, npm run), each against `node -e 0`; fresh processes, medians. No
 * target but the first's (the cold validate's, <= 2.0x): the figures say what the npm wrappers cost.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { interleaved, timeSpawn } = require('./lib');

function invocation({ root, quick, record }) {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-dependent-'));
  try {
    fs.mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
    fs.symlinkSync(root, path.join(project, 'node_modules', 'ums-ha'));
    fs.symlinkSync(path.join('..', 'ums-ha', 'bin', 'ums-ha.js'), path.join(project, 'node_modules', '.bin', 'ums-ha'));
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'dependent', private: true, dependencies: { 'ums-ha': 'file:ums-ha' }, scripts: { validate: 'ums-ha validate' } }));
    const file = path.join(root, 'topologies', 'berlin-small.yaml');
    const time = (command, args, cwd) => () => {
      const start = process.hrtime.bigint();
      const r = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
      if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const reps = quick ? 3 : 7;
    const ways = [
      ['node bin/ums-ha.js validate (README)', time(process.execPath, [path.join('bin', 'ums-ha.js'), 'validate', file], root)],
      ['node_modules/.bin/ums-ha validate (a dependent project)', time(path.join(project, 'node_modules', '.bin', 'ums-ha'), ['validate', file], project)],
      ['npx --no-install ums-ha validate', time('npx', ['--no-install', 'ums-ha', 'validate', file], project)],
      ['npm run --silent validate', time('npm', ['run', '--silent', 'validate', '--', file], project)],
    ];
    for (const [name, run] of ways) {
      const r = interleaved(reps, run, () => timeSpawn(root, ['-e', '0']));
      const first = name.endsWith('(README)');
      record(`invocation: ${name} / node -e 0`, r.ratio, 'x', first ? '<= 2.0' : '-', first ? r.ratio <= 2.0 : true, `${r.candidateMs.toFixed(0)} ms vs ${r.baselineMs.toFixed(0)} ms`);
    }
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

module.exports = { invocation };
