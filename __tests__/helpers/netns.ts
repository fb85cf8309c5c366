/**
 * Test hosts in network namespaces this process creates: every host on one bridge (a hub
 * namespace), with its address on eth0. Names carry a prefix unique to the process; traffic stays
 * inside the namespaces; teardown removes them and kills every process started in them, also when
 * the process exits early.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** Runs a command; its stdout, or an Error with its stderr. Bounded in time. */
export function sh(...args: string[]): string {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8', timeout: 20000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export interface Lan<H extends string> {
  /** The namespace name of a host (or of the hub). */
  ns(h: H | 'hub'): string;
  /** Creates the hub, the bridge and every host (after removing what an earlier run left). */
  up(): void;
  /** Loads an nftables ruleset file into a host. */
  loadFirewall(h: H, file: string): void;
  /**
   * Starts a process in a host's namespace, registered under `key` for teardown; resolves once it
   * prints `readyText` (at most 10 s), at once without one.
   */
  start(h: H, key: string, argv: string[], readyText?: string): Promise<ChildProcess>;
  /** The registered processes by key. */
  readonly procs: Map<string, ChildProcess>;
  /** Kills the registered processes and removes every namespace. */
  teardown(): void;
}

export function netnsLan<H extends string>(prefix: string, hosts: Readonly<Record<H, string>>): Lan<H> {
  const names = Object.keys(hosts) as H[];
  const ns = (h: H | 'hub') => `${prefix}-${h}`;
  const procs = new Map<string, ChildProcess>();
  const teardown = () => {
    for (const p of procs.values()) p.kill('SIGKILL');
    procs.clear();
    for (const h of [...names, 'hub' as const]) spawnSync('ip', ['netns', 'del', ns(h)], { stdio: 'ignore' });
  };
  return {
    ns,
    procs,
    teardown,
    up() {
      teardown();
      process.once('exit', teardown);
      sh('ip', 'netns', 'add', ns('hub'));
      sh('ip', '-n', ns('hub'), 'link', 'add', 'br0', 'type', 'bridge');
      sh('ip', '-n', ns('hub'), 'link', 'set', 'br0', 'up');
      for (const h of names) {
        const veth = `v-${h}`.slice(0, 15);
        sh('ip', 'netns', 'add', ns(h));
        sh('ip', '-n', ns('hub'), 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns(h));
        sh('ip', '-n', ns('hub'), 'link', 'set', veth, 'master', 'br0', 'up');
        sh('ip', '-n', ns(h), 'addr', 'add', `${hosts[h]}/24`, 'brd', '+', 'dev', 'eth0');
        sh('ip', '-n', ns(h), 'link', 'set', 'eth0', 'up');
        sh('ip', '-n', ns(h), 'link', 'set', 'lo', 'up');
      }
    },
    loadFirewall(h, file) {
      sh('ip', 'netns', 'exec', ns(h), 'nft', '-f', file);
    },
    start(h, key, argv, readyText) {
      const p = spawn('ip', ['netns', 'exec', ns(h), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      procs.set(key, p);
      let err = '';
      p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      if (readyText === undefined) return Promise.resolve(p);
      return new Promise<ChildProcess>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${key} in ${h} did not start: ${err}`)), 10000);
        p.stdout?.on('data', (d: Buffer) => {
          if (d.toString().includes(readyText)) {
            clearTimeout(timer);
            resolve(p);
          }
        });
        p.on('exit', (code) => reject(new Error(`${key} exited ${code}: ${err}`)));
      });
    },
  };
}
