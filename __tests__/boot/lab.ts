/**
 * The boot tests' lab: one network namespace this process creates (its name carries a per-process
 * prefix), holding a bridge with the site's gateway, NTP and installer server, the database host,
 * an operator address of network.adminCidrs and an outsider address, and a tap per guest. The
 * guests (qemu, run inside the namespace) reach nothing else: the namespace has no other link.
 * teardown() kills what the lab started and removes the namespace, also when the process exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface LabAddresses {
  /** The site's prefix length (network.cidr). */
  readonly prefixLength: number;
  readonly gateway: string;
  /** NTP server and installer download host (network.ntpServers[0]). */
  readonly ntp: string;
  readonly database: { readonly host: string; readonly port: number };
  /** An address in network.adminCidrs (the operator's ssh). */
  readonly admin: string;
  /** An address on the bridge that no matrix row admits. */
  readonly outsider: string;
  /** The installer download: port, URL path and the file served. */
  readonly installer: { readonly port: number; readonly urlPath: string; readonly file: string };
}

/** Runs a command; its stdout, or an Error with its stderr. Bounded in time. */
export function sh(args: string[], timeoutMs = 30000): string {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

export class Lab {
  readonly ns: string;
  private readonly procs: ChildProcess[] = [];
  private taps = 0;
  private readonly onExit = () => this.teardown();

  constructor(
    name: string,
    readonly addr: LabAddresses,
  ) {
    this.ns = `umsboot${process.pid % 100000}-${name}`;
  }

  /** Runs a command in the namespace. */
  exec(args: string[], timeoutMs = 30000): string {
    return sh(['ip', 'netns', 'exec', this.ns, ...args], timeoutMs);
  }

  /** Like exec, but returns the exit status and output instead of throwing. */
  try(args: string[], timeoutMs = 30000): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync('ip', ['netns', 'exec', this.ns, ...args], { encoding: 'utf8', timeout: timeoutMs });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** Creates the namespace, the bridge with the lab's addresses, and starts the lab services. */
  async up(): Promise<void> {
    this.teardown();
    process.once('exit', this.onExit);
    const a = this.addr;
    sh(['ip', 'netns', 'add', this.ns]);
    const ipn = (...args: string[]) => sh(['ip', '-n', this.ns, ...args]);
    ipn('link', 'set', 'lo', 'up');
    ipn('link', 'add', 'br0', 'type', 'bridge');
    ipn('link', 'set', 'br0', 'up');
    // The lab's own addresses: gateway, NTP/installer server, database, operator, outsider.
    const own = [a.gateway, a.ntp, a.database.host, a.outsider];
    for (const ip of [...new Set(own)]) ipn('addr', 'add', `${ip}/${a.prefixLength}`, 'dev', 'br0');
    // The operator sits behind the gateway (network.adminCidrs): the guests answer it through their default route.
    ipn('addr', 'add', `${a.admin}/32`, 'dev', 'lo');
    this.exec(['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0', 'net.ipv4.conf.br0.rp_filter=0']);
    await this.start(
      [
        process.execPath,
        path.join(__dirname, '..', 'fixtures', 'boot', 'lab-services.js'),
        '--ntp',
        a.ntp,
        '--http',
        `${a.ntp}:${a.installer.port}:${a.installer.file}:${a.installer.urlPath}`,
        '--tcp',
        `${a.database.host}:${a.database.port}`,
      ],
      'lab-services ready',
    );
  }

  /**
   * Starts a process in the namespace, killed at teardown; resolves once it prints readyText (30 s
   * at most). `output` gets what it prints on stdout and stderr.
   */
  start(argv: string[], readyText?: string, output?: (chunk: string) => void): Promise<ChildProcess> {
    const p = spawn('ip', ['netns', 'exec', this.ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.push(p);
    let out = '';
    let err = '';
    p.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 65536) err = err.slice(-32768);
      output?.(d.toString());
    });
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.length > 65536) out = out.slice(-32768);
      output?.(d.toString());
    });
    if (readyText === undefined) return Promise.resolve(p);
    return new Promise<ChildProcess>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${argv[0]} did not start in ${this.ns}: ${err}`)), 30000);
      const check = () => {
        if (out.includes(readyText)) {
          clearTimeout(timer);
          resolve(p);
        }
      };
      p.stdout?.on('data', check);
      p.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${argv[0]} exited ${code}: ${err}`));
      });
    });
  }

  /** A new tap on the bridge, for one guest. */
  tap(): string {
    const name = `tap${this.taps++}`;
    sh(['ip', '-n', this.ns, 'tuntap', 'add', 'dev', name, 'mode', 'tap']);
    sh(['ip', '-n', this.ns, 'link', 'set', name, 'master', 'br0', 'up']);
    return name;
  }

  /** Kills every process of the lab and removes the namespace (and with it the bridge and taps). */
  teardown(): void {
    for (const p of this.procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
    // Anything else still running in the namespace (a guest's qemu that outlived its handle).
    const pids = spawnSync('ip', ['netns', 'pids', this.ns], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pids.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('ip', ['netns', 'del', this.ns], { stdio: 'ignore' });
    process.removeListener('exit', this.onExit);
  }
}
