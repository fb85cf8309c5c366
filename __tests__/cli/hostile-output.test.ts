/**
 * Output that cannot be hijacked and never echoes a secret (issue 13, points 5 and 6): reproducers
 * from the issue through the real CLI, in every format.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, run, tempDir } from '../helpers/cli';
import { inertMarkdown } from '../../core/reports/report';
import { validateText } from '../../core/reader/validate';

const dir = tempDir('ums-ha-output-');
const berlin = fs.readFileSync(path.join(repoRoot, 'topologies', 'berlin-small.yaml'), 'utf8');
let n = 0;
const write = (text: string, name = `t${n++}.yaml`) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const FORMATS = ['text', 'json', 'github', 'sarif'] as const;

describe('Markdown report: free text is inert (issue 13.5)', () => {
  it('a description "<!-- Berlin office" hides nothing', async () => {
    const file = write(berlin.replace('description: Berlin office, IGEL OS 11 and OS 12 devices', 'description: "<!-- Berlin office"').replace('  devices: 30000', '  devices: 30000\n  servers: 1'));
    const r = await run('report', file);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('<!--');
    expect(r.stdout).toContain('&lt;!-- Berlin office');
    // The verdict, the sizing and the findings are all there, after the description.
    expect(r.stdout.indexOf('**The design is refused: see the findings.**')).toBeGreaterThan(r.stdout.indexOf('&lt;!--'));
    expect(r.stdout).toContain('## Sizing');
    expect(r.stdout).toMatch(/## Findings\n\n- \*\*error\*\*/);
  });

  it.each([
    ['an HTML comment', '<!-- x', '&lt;!-- x'],
    ['a tag', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a link', '[click](https://evil.example)', '\\[click\\](https://evil.example)'],
    ['an image', '![x](https://evil.example/x.png)', '!\\[x\\](https://evil.example/x.png)'],
    ['emphasis and code', '*a* _b_ `c`', '\\*a\\* \\_b\\_ \\`c\\`'],
    ['a table cell break', 'a | b', 'a \\| b'],
    ['a heading', '# Approved', '\\# Approved'],
    ['a list', '- item', '\\- item'],
    ['a numbered list', '1. item', '1\\. item'],
    ['a new line', 'a\n# b', 'a\\\\n# b'],
    ['an entity', '&lt;', '&amp;lt;'],
  ])('%s', (_n, text, expected) => {
    expect(inertMarkdown(text)).toBe(expected);
  });
});

describe('text output: control characters are escaped (issue 13.5)', () => {
  const forged = write(berlin.replace('kind: UmsHaTopology', 'kind: UmsHaTopology\n"x\\n::error file=a,line=1::injected": 1\n"\\e[2Jesc": 2'));

  it('an unknown key cannot forge an annotation line or reach the terminal', async () => {
    for (const format of ['text', 'github'] as const) {
      const r = await run('validate', forged, '--format', format);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain('\u001b');
      expect(r.stdout.split('\n').filter((l) => l.startsWith('::error file=a'))).toEqual([]);
    }
    const text = await run('validate', forged);
    expect(text.stdout).toContain('unknown key "x\\n::error file=a,line=1::injected"');
    expect(text.stdout).toContain('\\u001b[2Jesc');
    expect(text.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('a file name with a new line cannot forge the summary', async () => {
    const file = write(berlin.replace('devices: 30000', 'devices: x'), 'bad\n0 files checked: 0 errors, 0 warnings.yaml');
    const r = await run('validate', file);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('bad\\n0 files checked');
    expect(lines[1]).toBe('1 file checked: 1 error, 0 warnings');
    const missing = await run('validate', path.join(dir, 'gone\u001b[31m.yaml'));
    expect(missing.stderr).toBe(`ums-ha: cannot read ${path.join(dir, 'gone\\u001b[31m.yaml')}: no such file or directory\n`);
  });
});

describe('installer.url (issue 13.5)', () => {
  const url = (u: string) => validateText(berlin.replace(/url: .*/, `url: "${u}"`));

  it('[ ] in the file name are allowed (curl --globoff downloads that one file)', () => {
    expect(url('https://artifacts.example.internal/igel/setup[1-3].bin').findings).toEqual([]);
  });

  it('user information is refused by the schema', () => {
    const r = url('https://deploy@artifacts.example.internal/igel/setup.bin');
    expect(r.findings.map((f) => [f.ruleId, f.path])).toEqual([['UMS-SCHEMA', '/spec/installer/url']]);
    expect(r.findings[0]!.message).toContain('without spaces, quotes or user information');
  });

  it.each([
    'https://bucket.s3.amazonaws.com/setup.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=SECRETSIG',
    'https://account.blob.core.windows.net/c/setup.bin?sv=2022-11-02&se=2026-12-01&sig=SECRETSIG',
    'https://storage.googleapis.com/b/setup.bin?X-Goog-Signature=SECRETSIG',
    'https://artifacts.example.internal/setup.bin?token=SECRETSIG',
  ])('a presigned URL is refused as a credential, never echoed: %s', async (u) => {
    const r = url(u);
    expect(r.findings.map((f) => [f.ruleId, f.path])).toEqual([['UMS-DB-002', '/spec/installer/url']]);
    expect(r.findings[0]!.message).toContain('presigned URL');
    const file = write(berlin.replace(/url: .*/, `url: "${u}"`));
    for (const format of FORMATS) expect((await run('validate', file, '--format', format)).stdout).not.toContain('SECRETSIG');
  });
});

describe('credential shapes in any string field are never echoed (issue 13.6)', () => {
  it.each([
    ['host', 'host: db.berlin.example.internal', 'host: "igelums:SECRET@db.berlin.example.internal"'],
    ['user', 'user: igelums', 'user: "igelums:SECRET"'],
    ['name', 'name: rmdb', 'name: "rmdb;password=SECRET"'],
    ['portGroup', 'portGroup: ums-vlan120', 'portGroup: "Password=SECRET"'],
  ])('%s', async (key, from, to) => {
    const file = write(berlin.replace(from, to));
    const pointer = key === 'portGroup' ? '/spec/network/portGroup' : `/spec/database/${key}`;
    const result = validateText(fs.readFileSync(file, 'utf8'));
    expect(result.findings.map((f) => [f.ruleId, f.path])).toEqual([['UMS-DB-002', pointer]]);
    for (const format of FORMATS) {
      const r = await run('validate', file, '--format', format);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('UMS-DB-002');
      expect(r.stdout + r.stderr).not.toContain('SECRET');
    }
    for (const format of ['markdown', 'json']) {
      const r = await run('report', file, '--format', format);
      expect(r.stdout + r.stderr).not.toContain('SECRET');
    }
  });

  it('a description that passes the schema is still kept out of the report', async () => {
    const file = write(berlin.replace('description: Berlin office, IGEL OS 11 and OS 12 devices', 'description: Berlin office, db password=SECRET'));
    for (const format of ['markdown', 'json']) {
      const r = await run('report', file, '--format', format);
      expect(r.stdout).toContain('value hidden');
      expect(r.stdout + r.stderr).not.toContain('SECRET');
    }
    expect((await run('validate', file)).stdout).toContain('UMS-DB-002');
  });

  it('the shipped examples have no credential shape', async () => {
    expect((await run('validate', path.join(repoRoot, 'topologies'))).code).toBe(0);
  });
});

describe('a key that looks like a credential is never printed (issue 13.6)', () => {
  it.each(FORMATS)('--format %s', async (format) => {
    const secrets = ['password=HuntQ9z', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'];
    const f = write(berlin.replace(/^( {4}engine: postgresql)$/m, `$1\n${secrets.map((k) => `    "${k}": x`).join('\n')}`));
    const r = await run('validate', f, '--format', format);
    expect(r.code).toBe(1);
    for (const s of [...secrets, 'HuntQ9z', 'ghp_abc']) expect(r.stdout + r.stderr).not.toContain(s);
    expect(r.stdout).toContain('looks like');
  });
});
