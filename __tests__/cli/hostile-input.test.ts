/**
 * Hostile files and folders through `ums-ha validate` (issue 13, points 3-5): only regular files are
 * read, never more than the limit plus one byte; every directory entry that cannot be checked is
 * one line, and the other files are still reported; control characters never reach the output raw.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { readBounded } from '../../core/document/files';
import { MAX_FILE_BYTES } from '../../core/document/source';
import { run, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';

const dir = tempDir('ums-ha-hostile-');
const good = stringify(topology());
// Its own name: two files of one folder with one metadata.name would be a second error (UMS-NET-004).
const bad = stringify({ ...topology({ devices: 120000, servers: 2 }), metadata: { name: 'bad-site' } });

describe('only regular files are read, and at most the limit plus one byte (issue 13.3)', () => {
  it('a FIFO is refused without waiting for a writer', async () => {
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await run('validate', fifo);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ums-ha: ${fifo} is a FIFO (named pipe), not a regular file: give a topology file\n`);
  });

  it('/dev/zero is refused without reading it', async () => {
    const r = await run('validate', '/dev/zero');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ums-ha: /dev/zero is a device, not a regular file: give a topology file\n');
  });

  it('a 1.9 GB file is refused with its size after reading the limit plus one byte', async () => {
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 1_900_000_000); // sparse: no disk space used
    const read = readBounded(big, MAX_FILE_BYTES);
    if ('problem' in read) throw new Error(read.problem);
    expect(read.bytes.length).toBe(MAX_FILE_BYTES + 1);
    expect(read.size).toBe(1_900_000_000);
    const r = await run('validate', big);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the file is 1,900,000,000 bytes; a topology file may be at most 1,048,576 bytes');
  });

  it('a file of exactly the limit is read whole', () => {
    const edge = path.join(dir, 'edge.yaml');
    fs.writeFileSync(edge, Buffer.alloc(MAX_FILE_BYTES, 0x20));
    const read = readBounded(edge, MAX_FILE_BYTES);
    if ('problem' in read) throw new Error(read.problem);
    expect(read.bytes.length).toBe(MAX_FILE_BYTES);
  });

  it('a directory named x.yaml given as the path expands to its files', async () => {
    const d = path.join(dir, 'given.yaml');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'inner.yaml'), good);
    // A directory expands to its files; the file is what gets checked.
    expect((await run('validate', d)).code).toBe(0);
  });
});

describe('every folder entry that cannot be checked is one line; the others are still reported (issue 13.4)', () => {
  const folder = path.join(dir, 'folder');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'a-good.yaml'), good);
  fs.writeFileSync(path.join(folder, 'z-bad.yaml'), bad);
  fs.symlinkSync('loop.yaml', path.join(folder, 'loop.yaml'));
  fs.symlinkSync(path.join(folder, 'nowhere'), path.join(folder, 'dangling.yaml'));
  fs.mkdirSync(path.join(folder, 'dir.yaml'));
  fs.symlinkSync('/dev/null', path.join(folder, 'device.yaml'));
  execFileSync('mkfifo', [path.join(folder, 'pipe.yml')]);

  it('one line per entry, exit 2, both real files checked', async () => {
    const r = await run('validate', folder);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${path.join(folder, 'z-bad.yaml')}:`);
    expect(r.stdout).toContain('2 files checked: 1 error');
    const lines = r.stderr.trim().split('\n').sort();
    expect(lines).toEqual(
      [
        `ums-ha: cannot read ${path.join(folder, 'loop.yaml')}: too many symbolic links (a symbolic link loop?): skipped`,
        `ums-ha: ${path.join(folder, 'dangling.yaml')} is a symbolic link to a missing file: skipped`,
        `ums-ha: ${path.join(folder, 'dir.yaml')} is a directory, not a topology file: skipped`,
        // A link to /dev/null leads out of the folder: refused as such (issue 23.1), before its kind.
        `ums-ha: ${path.join(folder, 'device.yaml')} is a symbolic link that leads outside ${folder}: not read (a link must stay inside the folder it is in)`,
        `ums-ha: ${path.join(folder, 'pipe.yml')} is a FIFO (named pipe), not a topology file: skipped`,
      ].sort(),
    );
  });

  it('a symbolic link loop given as the path is one line', async () => {
    const r = await run('validate', path.join(folder, 'loop.yaml'), path.join(folder, 'a-good.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ums-ha: cannot read ${path.join(folder, 'loop.yaml')}: too many symbolic links (a symbolic link loop?)\n`);
    expect(r.stdout).toContain('1 file checked: 0 errors');
  });

  it('a file with !!binary next to a good one: both reported', async () => {
    const f = path.join(dir, 'binary.yaml');
    fs.writeFileSync(f, good.replace('devices: 30000', 'devices: !!binary aGVsbG8='));
    const r = await run('validate', f, path.join(folder, 'a-good.yaml'), '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { files: Array<{ valid: boolean; findings: Array<{ ruleId: string; message: string }> }> };
    expect(out.files.map((x) => x.valid)).toEqual([false, true]);
    expect(out.files[0]!.findings[0]!.message).toContain('!!binary is not supported');
  });
});
