import { loadTopologyBytes, loadTopologyText, MAX_FILE_BYTES } from '../../core/document/source';
import { validateBytes, validateText } from '../../core/reader/validate';

function only(result: ReturnType<typeof validateText>) {
  expect(result.findings).toHaveLength(1);
  const f = result.findings[0]!;
  expect(f.ruleId).toBe('UMS-YAML');
  expect(f.severity).toBe('error');
  return f;
}

describe('UMS-YAML findings', () => {
  it('reports a syntax error with its line and column', () => {
    const f = only(validateText('apiVersion: ums-ha/v1\nspec: [1, 2\nkind: x\n'));
    expect(f.line).toBeGreaterThanOrEqual(2);
    // The rule id says UMS-YAML: the message does not repeat it.
    expect(f.message).not.toMatch(/^YAML /);
  });

  it('reports a duplicate key at the second occurrence', () => {
    const f = only(validateText('apiVersion: ums-ha/v1\nkind: UmsHaTopology\napiVersion: x\n'));
    expect(f.message).toContain('duplicate key');
    expect([f.line, f.column]).toEqual([3, 1]);
  });

  it.each([
    ['an empty file', ''],
    ['only blanks', '  \n\n'],
    ['only a comment', '# nothing yet\n'],
  ])('refuses %s', (_n, text) => {
    expect(only(validateText(text)).message).toContain('empty');
  });

  it('refuses several documents, pointing at the second', () => {
    const f = only(validateText('a: 1\n---\nb: 2\n'));
    expect(f.message).toContain('2 YAML documents');
    expect(f.line).toBe(2);
  });

  it('refuses tabs as indentation and unknown tags', () => {
    only(validateText('a:\n\tb: 1\n'));
    expect(only(validateText('a: !secret x\n')).message).toContain('tag');
  });

  it('refuses binary content', () => {
    expect(only(validateBytes(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]))).message).toContain('binary');
  });

  it('refuses text that is not UTF-8', () => {
    expect(only(validateBytes(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]))).message).toContain('UTF-8');
  });

  it('refuses a file over the size limit before parsing it', () => {
    const f = only(validateBytes(Buffer.alloc(MAX_FILE_BYTES + 1, 0x61)));
    expect(f.message).toContain('at most 1,048,576 bytes');
  });

  it('refuses deep flow nesting without running out of memory', () => {
    const n = 5_000;
    const started = Date.now();
    expect(only(validateText('a: ' + '['.repeat(n) + ']'.repeat(n))).message).toContain('nested more than 64');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses deep block nesting', () => {
    const text = Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
    expect(only(validateText(text)).message).toContain('nested more than 64');
  });

  it('ignores brackets inside quotes and comments when measuring depth', () => {
    const result = loadTopologyText(`a: "${'['.repeat(100)}"\n# ${'{'.repeat(100)}\nb: '${'['.repeat(100)}'\n`);
    expect(result.ok).toBe(true);
  });

  it('refuses alias expansion bombs', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
    let prev = 'a';
    for (let i = 0; i < 8; i++) {
      text += `b${i}: &b${i} [${Array(10).fill(`*${prev}`).join(', ')}]\n`;
      prev = `b${i}`;
    }
    expect(only(validateText(text)).message).toContain('aliases');
  });

  it('maps pointers to positions, and a missing pointer to its nearest ancestor', () => {
    const loaded = loadTopologyBytes(Buffer.from('spec:\n  network:\n    vlanId: 120\n  nodes:\n    - name: a\n'));
    if (!loaded.ok) throw new Error('expected the text to load');
    expect(loaded.source.locate('/spec/network/vlanId')).toEqual({ line: 3, column: 13 });
    expect(loaded.source.locate('/spec/network/vlanId', { key: true })).toEqual({ line: 3, column: 5 });
    expect(loaded.source.locate('/spec/nodes/0/name')).toEqual({ line: 5, column: 13 });
    expect(loaded.source.locate('/spec/network/cidr')).toEqual(loaded.source.locate('/spec/network'));
    expect(loaded.source.locate('/nothing/here')).toEqual({ line: 1, column: 1 });
  });
});
