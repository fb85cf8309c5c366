/**
 * One guest booted as vSphere would boot a node of the stack: qemu with TCG (no KVM here), an
 * i440fx machine (the NIC is ens3), virtio-scsi disks (system unit 0, data unit 1, their sd names
 * in either order), SMBIOS "VMware Virtual Platform", and the node's exact extra_config strings from cdk.tf.json handed over as
 * fw_cfg files (opt/guestinfo.*), which the image's FAKE vmware-rpctool reads. The first serial
 * port is the console (console.log), the second carries the image's report (report.log) once the
 * first boot has finished.
 */
import { type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GuestImage } from './image';
import { sh, type Lab } from './lab';

export interface NodeSpec {
  /** The VM's name in the stack (its resource id). */
  readonly name: string;
  readonly ip: string;
  /** The exact extra_config of the vsphere_virtual_machine, variables already set as Terraform would. */
  readonly extraConfig: Readonly<Record<string, string>>;
  /** The NIC's MAC when the stack gives one. */
  readonly mac?: string;
  readonly memoryMb: number;
  readonly dataDiskGb: number;
}

export interface Report {
  /** Sections of the report by name (`==== name ====`). */
  readonly sections: Readonly<Record<string, string>>;
  /** Seconds from qemu's start to the report's end. */
  readonly seconds: number;
}

export class Guest {
  readonly dir: string;
  private proc?: ChildProcess;
  private startedAt = 0;
  private qemuOutput = '';

  constructor(
    readonly lab: Lab,
    readonly image: GuestImage,
    readonly spec: NodeSpec,
    parentDir: string,
  ) {
    this.dir = path.join(parentDir, `${spec.name}-${image.renderer}`);
  }

  get consoleLog(): string {
    return path.join(this.dir, 'console.log');
  }
  get reportLog(): string {
    return path.join(this.dir, 'report.log');
  }

  /** Creates the disks and starts qemu in the lab. */
  async boot(): Promise<void> {
    fs.mkdirSync(path.join(this.dir, 'guestinfo'), { recursive: true });
    const system = path.join(this.dir, 'system.qcow2');
    const data = path.join(this.dir, 'data.qcow2');
    sh(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', this.image.root, system]);
    sh(['qemu-img', 'create', '-q', '-f', 'qcow2', data, `${this.spec.dataDiskGb}G`]);
    const fwCfg: string[] = [];
    for (const [key, value] of Object.entries(this.spec.extraConfig)) {
      const file = path.join(this.dir, 'guestinfo', key);
      fs.writeFileSync(file, value);
      fwCfg.push('-fw_cfg', `name=opt/${key},file=${file}`);
    }
    const tap = this.lab.tap();
    const mac = this.spec.mac ?? `52:54:00:${this.spec.ip.split('.').slice(1).map((o) => Number(o).toString(16).padStart(2, '0')).join(':')}`;
    const argv = [
      'qemu-system-x86_64',
      '-machine', 'pc,accel=tcg',
      '-smp', '1',
      '-m', String(this.spec.memoryMb),
      '-display', 'none', '-vga', 'none', '-monitor', 'none',
      '-no-reboot',
      '-kernel', this.image.kernel,
      '-initrd', this.image.initrd,
      // The kernel's default disk probing: the system and the data disk come up as sda and sdb in
      // either order (both were seen), and the bootstrap finds the data disk either way.
      '-append', 'root=LABEL=rootfs rw console=ttyS0,115200 net.ifnames=1 systemd.show_status=1',
      '-smbios', 'type=1,manufacturer=VMware,, Inc.,product=VMware Virtual Platform',
      '-serial', `file:${this.consoleLog}`,
      '-serial', `file:${this.reportLog}`,
      '-netdev', `tap,id=ha,ifname=${tap},script=no,downscript=no`,
      '-device', `virtio-net-pci,netdev=ha,mac=${mac},addr=0x3`,
      '-device', 'virtio-scsi-pci,id=scsi,addr=0x4',
      '-drive', `file=${system},if=none,id=sys,format=qcow2,cache=unsafe`,
      '-device', 'scsi-hd,drive=sys,bus=scsi.0,scsi-id=0,lun=0',
      '-drive', `file=${data},if=none,id=data,format=qcow2,cache=unsafe`,
      '-device', 'scsi-hd,drive=data,bus=scsi.0,scsi-id=1,lun=0',
      '-device', 'virtio-rng-pci,addr=0x5',
      ...fwCfg,
    ];
    this.startedAt = Date.now();
    this.proc = await this.lab.start(argv, undefined, (chunk) => (this.qemuOutput = `${this.qemuOutput}${chunk}`.slice(-4000)));
  }

  /** Waits for the report's end (bounded), then parses it; the console's tail when it does not come. */
  async report(timeoutMs: number): Promise<Report> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = fs.existsSync(this.reportLog) ? fs.readFileSync(this.reportLog, 'utf8') : '';
      if (text.includes('==== END ====')) {
        const sections: Record<string, string> = {};
        const parts = text.replace(/\r/g, '').split(/^==== (.+?) ====$/m);
        for (let i = 1; i < parts.length; i += 2) sections[(parts[i] as string).trim()] = (parts[i + 1] ?? '').trim();
        return { sections, seconds: Math.round((Date.now() - this.startedAt) / 1000) };
      }
      if (this.proc?.exitCode !== null && this.proc?.exitCode !== undefined) throw new Error(`${this.spec.name}: qemu exited ${this.proc.exitCode}: ${this.qemuOutput}\n${this.consoleTail()}`);
      if (Date.now() > deadline) throw new Error(`${this.spec.name} (${this.image.renderer}): no report within ${Math.round(timeoutMs / 1000)} s\n${this.consoleTail()}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  consoleTail(lines = 60): string {
    if (!fs.existsSync(this.consoleLog)) return '(no console output)';
    return fs.readFileSync(this.consoleLog, 'utf8').replace(/\r/g, '').split('\n').slice(-lines).join('\n');
  }

  /** Powers the guest off (kills qemu: the tests never reuse its disks). */
  stop(): void {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}
