/**
 * The core, the bootstrap, the shared constructs and the app ask the platform registry
 * (core/platform/registry.ts) and never compare platform names: no `=== 'aws'`, no list or set of
 * platform names, no `case 'vsphere':`. Platform knowledge lives in platforms/<name>/ only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const NAMES = '(?:vsphere|aws|azure|gcp)';
const Q = `['"\`]`;
const COMPARISON = new RegExp(
  [
    `[=!]==\\s*${Q}${NAMES}${Q}`,
    `${Q}${NAMES}${Q}\\s*[=!]==`,
    `${Q}${NAMES}${Q}\\s*,`,
    `,\\s*${Q}${NAMES}${Q}`,
    `(?:includes|has)\\(\\s*${Q}${NAMES}${Q}`,
    `case\\s+${Q}${NAMES}${Q}`,
  ].join('|'),
);

function sources(dir: string): string[] {
  const at = path.join(root, dir);
  if (!fs.statSync(at).isDirectory()) return [dir];
  return fs.readdirSync(at, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(rel);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Code lines (comment lines left out) that compare a platform name. */
function comparisons(file: string): string[] {
  return fs
    .readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), at: `${file}:${i + 1}` }))
    .filter(({ line }) => !/^(\*|\/\/|\/\*)/.test(line) && COMPARISON.test(line))
    .map(({ line, at }) => `${at}: ${line}`);
}

describe('no platform names outside platforms/', () => {
  it.each(['core', 'bootstrap', 'constructs', 'stacks', 'app', 'cli', 'main.ts', 'index.ts', 'core-entry.ts'])('%s compares no platform name', (dir) => {
    expect(sources(dir).flatMap(comparisons)).toEqual([]);
  });

  it('the check recognizes a comparison, a list of names and a case (control)', () => {
    for (const line of ["if (t.platform === 'aws') {", "t.platform !== 'vsphere'", "const CLOUDS = new Set(['aws', 'azure', 'gcp']);", "case 'gcp':", "['vsphere', 'aws'].includes(p)"]) expect(COMPARISON.test(line)).toBe(true);
    for (const line of ["readonly aws?: UmsHaTopologyDocument['spec']['aws'];", 'platformEntry(t.platform)?.broadcast === false']) expect(COMPARISON.test(line)).toBe(false);
  });
});
