import { check, expectFinding, expectNoFinding, topology } from '../helpers/topology';

const url = 'https://artifacts.example.internal/igel/setup-igel-ums-linux_12.07.100.bin';

describe('UMS-INST-001 (installer checksum)', () => {
  it.each([
    ['no sha256', { url }, '/spec/installer/sha256'],
    ['63 hex characters', { url, sha256: 'a'.repeat(63) }, '/spec/installer/sha256'],
    ['64 hex characters (at the limit)', { url, sha256: 'a'.repeat(64) }, null],
    ['65 hex characters', { url, sha256: 'a'.repeat(65) }, '/spec/installer/sha256'],
    ['64 characters that are not hex', { url, sha256: 'g'.repeat(64) }, '/spec/installer/sha256'],
    ['upper-case hex', { url, sha256: 'ABCDEF0123456789'.repeat(4) }, null],
  ])('%s', (_n, installer, path) => {
    const result = check(topology({ installer }));
    if (path === null) expectNoFinding(result, 'UMS-INST-001');
    else expectFinding(result, 'UMS-INST-001', path);
  });
  it('reports a missing checksum with the rule id, not as a schema error, and still resolves', () => {
    const result = check(topology({ installer: { url } }));
    expect(result.findings.map((f) => f.ruleId)).toEqual(['UMS-INST-001']);
    expect(result.topology?.servers).toBe(2);
  });
});
