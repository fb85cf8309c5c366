/**
 * gzip with a shared, precompressed tail (bootstrap/gzip.ts): whatever the head, the output is one
 * ordinary gzip member that Node's gunzip, the `gzip` tool and cloud-init's own decompressor
 * (cloudinit.util.decomp_gzip, under the system Python) read back to the exact text.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeGuestinfo, decodeGuestinfo, renderUserData } from '../../bootstrap/cloud-init';
import { gzipText } from '../../bootstrap/gzip';
import { validateValue } from '../../core/reader/validate';
import { tempDir } from '../helpers/cli';
import { requireTools } from '../helpers/system';
import { baseTopology } from '../helpers/topology';

requireTools('gzip');
const PYTHON = '/usr/bin/python3';
if (spawnSync(PYTHON, ['-c', 'import cloudinit.util'], { stdio: 'ignore' }).status !== 0) {
  throw new Error(`${PYTHON} with cloud-init's Python package is required (bash .ci/run installs cloud-init)`);
}
const dir = tempDir('ums-ha-gzip-');
const RUNS = Number(process.env.UMS_HA_PROPERTY_RUNS ?? 40);

const TAIL = `  - path: /usr/local/sbin/tool\n    content: |\n${'      echo "static line"\n'.repeat(200)}`;
const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', ' ', '\n', 'é', '€', '😀', '-', ':'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })), maxLength: 2000 });

describe('gzip with a shared tail', () => {
  it('gunzips to the text, for any head, with or without the tail', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (head, withTail) => {
        const input = withTail ? head + TAIL : head;
        const gz = gzipText(input, TAIL);
        expect(gunzipSync(gz).toString('utf8')).toBe(input);
        expect(gzipText(input, TAIL).equals(gz)).toBe(true);
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('reuses the tail: two texts with the same tail end in the same compressed blocks, each with its own trailer', () => {
    const a = gzipText(`head one\n${TAIL}`, TAIL);
    const b = gzipText(`another head\n${TAIL}`, TAIL);
    // The same tail blocks and different trailers (CRC-32 and length of the whole text).
    const common = (x: Buffer, y: Buffer) => {
      let n = 0;
      while (n < x.length && n < y.length && x[x.length - 9 - n] === y[y.length - 9 - n]) n++;
      return n;
    };
    expect(common(a, b)).toBeGreaterThan(20);
    expect(a.subarray(-8).equals(b.subarray(-8))).toBe(false);
  });

  it('has a trailer that is checked: a wrong CRC-32 is refused (control)', () => {
    const gz = Buffer.from(gzipText(`x\n${TAIL}`, TAIL));
    gz[gz.length - 8] = (gz[gz.length - 8] as number) ^ 0xff;
    expect(() => gunzipSync(gz)).toThrow();
  });

  it('is read by `gzip -t`, `gzip -dc` and cloud-init\'s decomp_gzip, as user-data of a real node', () => {
    const result = validateValue(baseTopology());
    const t = result.topology!;
    for (const node of t.nodes) {
      const userData = renderUserData(t, node);
      const encoded = encodeGuestinfo('userdata', userData, { gzip: true });
      expect(decodeGuestinfo(encoded.value, encoded.encoding)).toBe(userData);
      const file = path.join(dir, `${node.name}.gz`);
      fs.writeFileSync(file, Buffer.from(encoded.value, 'base64'));
      expect(spawnSync('gzip', ['-t', file]).status).toBe(0);
      expect(spawnSync('gzip', ['-dc', file], { encoding: 'utf8' }).stdout).toBe(userData);
      const py = spawnSync(PYTHON, ['-c', 'import sys; from cloudinit import util; sys.stdout.write(util.decomp_gzip(open(sys.argv[1], "rb").read(), quiet=False))', file], { encoding: 'utf8' });
      expect(py.stderr).toBe('');
      expect(py.stdout).toBe(userData);
    }
  });
});
