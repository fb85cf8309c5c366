#!/usr/bin/env node
'use strict';
/**
 * `npm test` runs this before anything else: the Debian tools the tests run (scripts/debian-packages.txt,
 * the one list) must be there, because a test that needs a tool never skips.
 *
 * - Everything there: silent, exit 0.
 * - Something missing, run as root on a machine with apt-get: installs the missing packages
 *   (apt-get update, then apt-get install --no-install-recommends), checks again, exit 0 when all
 *   are there now.
 * - Otherwise (not root, no apt-get, or UMS_HA_INSTALL_TOOLS=0): one line on stderr naming what is
 *   missing and the exact command that installs the list, exit 1, so Jest never starts.
 *
 * Environment: UMS_HA_INSTALL_TOOLS=0 checks only, never installs (as root too).
 * `node scripts/check-tools.js --print-install` prints the install command (the README's) and exits.
 * `--list FILE` checks (and installs) another list of the same form: scripts/boot-packages.txt,
 * the boot tests' tools (`npm run test:boot`).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const LIST = path.join(__dirname, 'debian-packages.txt');
/** Where Debian puts administration tools, which a non-root PATH usually lacks. */
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The list: `[{ name, checks }]`, in file order. */
function readPackages(file = LIST) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const [name, ...checks] = line.split(/\s+/);
      return { name, checks };
    });
}

/** The command that installs every package of the list, as root. */
function installCommand(packages = readPackages()) {
  return `apt-get install -y --no-install-recommends ${packages.map((p) => p.name).join(' ')}`;
}

function onPath(command, env) {
  for (const dir of (env.PATH || '').split(path.delimiter).filter(Boolean)) {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return path.join(dir, command);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * What is missing: `[{ package, check, elsewhere }]`, where `elsewhere` is the sbin folder a missing
 * command is in after all (installed, but not on this PATH).
 */
function findMissing(packages, env = process.env) {
  const missing = [];
  for (const p of packages) {
    for (const check of p.checks) {
      let ok;
      let elsewhere;
      if (check.startsWith('/')) ok = fs.existsSync(check);
      else if (check.startsWith('python3:')) {
        const python = onPath('python3', env);
        ok = python !== undefined && spawnSync(python, ['-c', `import ${check.slice('python3:'.length)}`], { stdio: 'ignore', env }).status === 0;
      } else {
        ok = onPath(check, env) !== undefined;
        if (!ok) elsewhere = SBIN.find((dir) => fs.existsSync(path.join(dir, check)));
      }
      if (!ok) missing.push({ package: p.name, check, elsewhere });
    }
  }
  return missing;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** One line for what is missing: a PATH without the sbin folders, or the install command. */
function problemLine(missing, packages) {
  const offPath = missing.filter((m) => m.elsewhere);
  if (offPath.length === missing.length) {
    const dirs = [...new Set(offPath.map((m) => m.elsewhere))];
    return `npm test: ${offPath.map((m) => m.check).join(', ')} installed in ${dirs.join(', ')} but not on the PATH: run PATH="$PATH:${dirs.join(':')}" npm test`;
  }
  const label = (m) => (m.check.startsWith('python3:') ? `the Python module ${m.check.slice('python3:'.length)}` : m.check);
  const names = missing.filter((m) => !m.elsewhere).map((m) => (m.check === m.package ? m.check : `${label(m)} (${m.package})`));
  const also = offPath.length > 0 ? ` (${offPath.map((m) => m.check).join(', ')}: installed in ${[...new Set(offPath.map((m) => m.elsewhere))].join(', ')}, add it to the PATH)` : '';
  return `npm test: the tests need ${names.join(', ')}: install them as root with: ${installCommand(packages)}${also}`;
}

function install(names, env) {
  const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  process.stderr.write(`npm test: installing the Debian packages the tests need: ${names.join(' ')}\n`);
  return run(['update', '-qq']) && run(['install', '-y', '-qq', '--no-install-recommends', ...names]);
}

function main(env = process.env) {
  // --list FILE: another list of the same form (scripts/boot-packages.txt, for `npm run test:boot`).
  const at = process.argv.indexOf('--list');
  const packages = readPackages(at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : LIST);
  if (process.argv.includes('--print-install')) {
    process.stdout.write(`${installCommand(packages)}\n`);
    return 0;
  }
  let missing = findMissing(packages, env);
  if (missing.length === 0) return 0;
  const installable = missing.filter((m) => !m.elsewhere);
  if (installable.length > 0 && isRoot() && env.UMS_HA_INSTALL_TOOLS !== '0' && onPath('apt-get', env)) {
    install([...new Set(installable.map((m) => m.package))], env);
    missing = findMissing(packages, env);
    if (missing.length === 0) return 0;
  }
  process.stderr.write(`${problemLine(missing, packages)}\n`);
  return 1;
}

module.exports = { readPackages, installCommand, findMissing, LIST };

if (require.main === module) process.exitCode = main();
