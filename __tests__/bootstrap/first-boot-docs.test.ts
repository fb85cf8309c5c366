/**
 * "First boot finished" as the project tells an operator to wait for it: `/run/cloud-init/result.json`
 * (written when cloud-init's final stage, which runs ums-ha-install, ends), never
 * `cloud-init status --wait`, which returns as soon as the status is `error` while the final stage
 * may still run. The documented command is run against a stand-in root: it must block until
 * result.json exists, then report the install's result.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';
import { requireTools } from '../helpers/system';

requireTools('bash');

/** Every text file of the project an operator or a node reads: docs, README, scripts, sources. */
function projectFiles(): string[] {
  const out: string[] = [path.join(repoRoot, 'README.md')];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(md|ts|sh|exp|js|yaml)$/.test(e.name)) out.push(p);
    }
  };
  for (const d of ['docs', 'bootstrap', 'core', 'platforms', 'constructs', 'stacks', 'cli', 'scripts', 'examples']) walk(path.join(repoRoot, d));
  return out;
}

const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'bootstrap.md'), 'utf8');
const root = tempDir('ums-ha-first-boot-');

describe('first boot finished', () => {
  it('nothing waits on `cloud-init status --wait`: the one mention says not to', () => {
    const mentions = projectFiles().flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split(/\n\s*\n/)
        .filter((paragraph) => /cloud-init status\s+--wait/.test(paragraph))
        .map((paragraph) => ({ file: path.relative(repoRoot, f), says: /Do not wait with `cloud-init status --wait`/.test(paragraph) })),
    );
    expect(mentions).toEqual([{ file: 'docs/bootstrap.md', says: true }]);
  });

  it('the README deploy order waits for result.json before taking the token', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const wait = readme.indexOf("until [ -e /run/cloud-init/result.json ]");
    expect(wait).toBeGreaterThan(readme.indexOf('UMS_HA_DEPLOY_PHASE=first-server npx cdktf deploy'));
    expect(wait).toBeLessThan(readme.indexOf('cat /root/IGEL-Network.token'));
  });

  it('the documented command blocks until result.json exists, then reports installed or failed', async () => {
    const block = /\*\*First boot finished\.\*\*[\s\S]*?```sh\nssh root@<node-ip> '([\s\S]*?)'\n```/.exec(doc);
    expect(block).not.toBeNull();
    const command = block![1]!.replace(/\/run\//g, `${root}/run/`).replace(/\/var\//g, `${root}/var/`).replace('sleep 10', 'sleep 0.1');
    fs.mkdirSync(path.join(root, 'run', 'cloud-init'), { recursive: true });
    fs.mkdirSync(path.join(root, 'var', 'lib', 'ums-ha'), { recursive: true });
    const run = (setup: () => void) =>
      new Promise<{ code: number | null; out: string; early: boolean }>((resolve) => {
        let out = '';
        let done = false;
        const child = spawn('bash', ['-c', command]);
        child.stdout.on('data', (c) => (out += c));
        child.on('close', (code) => {
          done = true;
          resolve({ code, out, early: false });
        });
        // Still waiting while cloud-init's final stage runs (no result.json): nothing is reported.
        setTimeout(() => {
          if (done) return resolve({ code: null, out, early: true });
          setup();
        }, 700);
      });
    fs.writeFileSync(path.join(root, 'var', 'lib', 'ums-ha', 'failed'), 'step=install\nreason=the installer did not finish\n');
    const failed = await run(() => fs.writeFileSync(path.join(root, 'run', 'cloud-init', 'result.json'), '{"v1": {"datasource": "DataSourceVMware", "errors": []}}\n'));
    expect(failed).toEqual({ code: 1, out: expect.stringContaining('step=install'), early: false });
    fs.rmSync(path.join(root, 'run', 'cloud-init', 'result.json'));
    fs.rmSync(path.join(root, 'var', 'lib', 'ums-ha', 'failed'));
    const ok = await run(() => {
      fs.writeFileSync(path.join(root, 'var', 'lib', 'ums-ha', 'installed'), '2026-12-03T09:00:00Z\n');
      fs.writeFileSync(path.join(root, 'run', 'cloud-init', 'result.json'), '{"v1": {"datasource": "DataSourceVMware", "errors": []}}\n');
    });
    expect(ok).toEqual({ code: 0, out: expect.stringMatching(/"errors": \[\][\s\S]*2026-12-03T09:00:00Z/), early: false });
  });
});
