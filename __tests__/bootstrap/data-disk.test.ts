/**
 * The data disk is found by what it is, not by the name the kernel gave it (bootstrap/cloud-init.ts,
 * DATA_DISK_SCRIPT): the SCSI disks of a VM are probed in parallel, so the data disk was sda on one
 * qemu boot and sdb on the next. The script runs under sh against FAKE lsblk, findmnt and blkid
 * (__tests__/fixtures/fake-disks) that answer from a scenario, and must link exactly the empty
 * non-root disk, or stop naming the disks, never link a disk in use.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DATA_DISK_SCRIPT, NODE_PATHS } from '../../bootstrap/cloud-init';

const fakes = path.resolve(__dirname, '..', 'fixtures', 'fake-disks');

function run(scenario: string, before?: (link: string) => void): { code: number | null; link: string | null; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-data-disk-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    for (const tool of ['lsblk', 'findmnt', 'blkid', 'udevadm']) fs.symlinkSync(path.join(fakes, 'fake-disk-tool'), path.join(bin, tool));
    fs.writeFileSync(path.join(dir, 'scenario'), scenario);
    const link = path.join(dir, 'ums-data');
    before?.(link);
    const r = spawnSync('sh', ['-c', DATA_DISK_SCRIPT], {
      env: { PATH: `${bin}:/usr/bin:/bin`, FAKE_DISKS: path.join(dir, 'scenario'), UMS_HA_DATA_LINK: link },
      encoding: 'utf8',
      timeout: 20000,
    });
    return { code: r.status, link: fs.existsSync(link) || fs.lstatSync(link, { throwIfNoEntry: false }) ? fs.readlinkSync(link) : null, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the data disk link (bootcmd, every platform)', () => {
  it('cloud-init formats and mounts the link, never a kernel name', () => {
    expect(NODE_PATHS.dataDisk).toBe('/dev/ums-data');
  });

  it.each([
    ['system disk sda (partitioned), data disk sdb', 'disks="sda sdb"\nparts_sda="sda1"\nroot_source=/dev/sda1\n', '/dev/sdb'],
    ['names swapped at boot: the system disk is sdb (a file system on the whole disk), the data disk sda', 'disks="sda sdb"\nfstype_sdb=ext4\nroot_source=/dev/sdb\n', '/dev/sda'],
    ['root on LVM over sda2 (an Ubuntu template)', 'disks="sda sdb"\nparts_sda="sda1 sda2"\nroot_source=/dev/mapper/ubuntu--vg-ubuntu--lv\ninverse_ubuntu__vg_ubuntu__lv=$\'dm-0 lvm\\nsda2 part\\nsda disk\'\n', '/dev/sdb'],
    ['root on RAID 1 (md0 over sda1 and sdb1): both mirrors are the system disk, the data disk sdc', 'disks="sda sdb sdc"\nparts_sda="sda1"\nparts_sdb="sdb1"\nroot_source=/dev/md0\ninverse_md0=$\'md0 raid1\\nsda1 part\\nsda disk\\nsdb1 part\\nsdb disk\'\n', '/dev/sdc'],
    ['AWS Nitro: the EBS data volume is NVMe', 'disks="nvme0n1 nvme1n1"\nparts_nvme0n1="nvme0n1p1 nvme0n1p14 nvme0n1p15"\nroot_source=/dev/nvme0n1p1\n', '/dev/nvme1n1'],
    ['a floppy drive without a medium beside them (a vSphere template\'s; lsblk: disk, removable)', 'disks="fd0 sda sdb"\nremovable="fd0"\nparts_sda="sda1"\nroot_source=/dev/sda1\n', '/dev/sdb'],
    ['a later boot: the disk that holds ums-data, even if another disk is empty now', 'disks="sda sdb sdc"\nparts_sda="sda1"\nparts_sdb="sdb1"\nroot_source=/dev/sda1\nlabel_ums_data=/dev/sdb1\n', '/dev/sdb'],
  ])('%s', (_name, scenario, target) => {
    expect(run(scenario)).toEqual({ code: 0, link: target, stderr: '' });
  });

  it.each([
    ['two empty disks beside the system disk', 'disks="sda sdb sdc"\nparts_sda="sda1"\nroot_source=/dev/sda1\n', 'found 2: sdb sdc'],
    ['no empty disk: the other disk holds a file system ums-ha did not make', 'disks="sda sdb"\nparts_sda="sda1"\nfstype_sdb=xfs\nroot_source=/dev/sda1\n', 'found 0:'],
    ['no empty disk: the other disk is partitioned', 'disks="sda sdb"\nparts_sda="sda1"\nparts_sdb="sdb1"\nroot_source=/dev/sda1\n', 'found 0:'],
  ])('%s: no link, the disks named', (_name, scenario, found) => {
    const r = run(scenario);
    expect(r.code).toBe(1);
    expect(r.link).toBeNull();
    expect(r.stderr).toContain('expected one empty data disk beside the system disk (root on: sda)');
    expect(r.stderr).toContain(found);
  });

  it('an existing link is kept as it is', () => {
    const r = run('disks="sda sdb"\nparts_sda="sda1"\nroot_source=/dev/sda1\n', (link) => fs.symlinkSync('/dev/sdz', link));
    expect(r).toEqual({ code: 0, link: '/dev/sdz', stderr: '' });
  });
});
