/**
 * The core (core/, bootstrap/, the platforms' cdktf-free parts) and the CLI never import cdktf, constructs or a provider:
 * validate stays fast and the domain stays free of the deprecated framework, which lives behind
 * constructs/ and stacks/ only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const FRAMEWORK = /(?:from\s+|require\(\s*|import\(\s*)['"](cdktf|constructs|@cdktf\/[^'"]*)['"]/;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

describe('layering', () => {
  it.each(['core', 'bootstrap', 'cli', 'bin'])('%s/ imports no cdktf, constructs or provider', (dir) => {
    const offenders = sources(dir).filter((f) => FRAMEWORK.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the check itself recognizes such an import (control)', () => {
    expect(FRAMEWORK.test("import { App } from 'cdktf';")).toBe(true);
    expect(FRAMEWORK.test("const x = require('@cdktf/provider-vsphere/lib/tag');")).toBe(true);
    expect(FRAMEWORK.test("import { Instance } from '@cdktf/provider-aws/lib/instance';")).toBe(true);
  });

  it('constructs/ and stacks/ reach the domain only through the core (no YAML, no file reading)', () => {
    const offenders = [...sources('constructs'), ...sources('stacks'), ...sources('platforms')].filter((f) => /from ['"](yaml|node:fs|fs)['"]/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('only platforms/aws/ imports the AWS bindings, and its registry entry loads that stack on demand', () => {
    const aws = /['"]@cdktf\/provider-aws[/'"]/;
    const offenders = [...sources('constructs'), ...sources('stacks'), ...sources('platforms')]
      .filter((f) => !f.startsWith(path.join('platforms', 'aws')))
      .filter((f) => aws.test(fs.readFileSync(path.join(root, f), 'utf8')) || /from ['"](\.\.?\/)+(platforms\/)?aws\//.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
    const main = fs.readFileSync(path.join(root, 'main.ts'), 'utf8');
    expect(main).not.toMatch(/^import (?!type ).*platforms\/[a-z]+\/stack['"]/m); // types only: erased
    const entry = fs.readFileSync(path.join(root, 'platforms', 'aws', 'index.ts'), 'utf8');
    expect(entry).not.toMatch(/^import .*['"]\.\/(stack|constructs)/m);
    expect(entry).toMatch(/require\('\.\/stack'\)/);
  });
});
