import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What Terraform makes of strings of its JSON syntax: each string becomes the value of an output
 * of a provider-free configuration (a JSON string there is a template, as in a resource's
 * attribute), applied with local state in `dir`; one terraform run for every string.
 */
export function terraformValues(dir: string, strings: readonly string[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const output = Object.fromEntries(strings.map((value, i) => [`v${i}`, { value }]));
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ output }));
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  const tf = (...args: string[]) => {
    const r = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', timeout: 120000, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`terraform ${args[0]} failed (${r.status}): ${r.error?.message ?? ''}${r.stderr}`);
    return r.stdout;
  };
  tf('init', '-input=false', '-no-color');
  tf('apply', '-auto-approve', '-input=false', '-lock=false', '-no-color');
  const values = JSON.parse(tf('output', '-json', '-no-color')) as Record<string, { value: string }>;
  return strings.map((_s, i) => values[`v${i}`]!.value);
}

/** The provider version the bindings (@cdktf/provider-aws 20.1.0) are built for. */
export const AWS_PROVIDER_VERSION = '5.100.0';

/** Where the AWS provider mirror is: UMS_HA_TF_PLUGIN_DIR, else the first known root that holds it. */
export function providerMirror(): string {
  const candidates = [process.env.UMS_HA_TF_PLUGIN_DIR, '/opt/tf-plugins', '/usr/share/terraform/plugins', path.join(process.env.HOME ?? '/root', '.terraform.d', 'plugins')].filter(
    (x): x is string => x !== undefined && x !== '',
  );
  const found = candidates.find((root) => fs.existsSync(path.join(root, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION)));
  if (!found) {
    throw new Error(
      `the AWS provider ${AWS_PROVIDER_VERSION} mirror is missing (looked in ${candidates.join(', ')}; set UMS_HA_TF_PLUGIN_DIR to the folder holding registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION})`,
    );
  }
  return found;
}

export interface Run {
  readonly code: number | null;
  readonly out: string;
}

/** Runs terraform offline in `dir` (no CLI configuration, no checkpoint calls, no colour). */
export function terraform(dir: string, args: string[]): Run {
  const empty = path.join(dir, '..', 'empty.tfrc');
  if (!fs.existsSync(empty)) fs.writeFileSync(empty, '');
  const r = spawnSync('terraform', [...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, TF_CLI_CONFIG_FILE: empty, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', NO_COLOR: '1' },
  });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * Prepares `dir` for validate/test: the first call runs `terraform init` with the mirror; later
 * calls reuse its providers (same provider, same lock file), which saves an init per case.
 */
let initialized: string | undefined;
export function initFromMirror(dir: string): void {
  if (initialized === undefined) {
    const r = terraform(dir, ['init', '-backend=false', `-plugin-dir=${providerMirror()}`, '-no-color']);
    if (r.code !== 0) throw new Error(`terraform init failed:\n${r.out}`);
    initialized = dir;
    return;
  }
  fs.symlinkSync(path.join(initialized, '.terraform'), path.join(dir, '.terraform'));
  fs.copyFileSync(path.join(initialized, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
}

/** terraform as a child process that does not block the event loop (for running cases side by side). */
export function terraformAsync(dir: string, args: string[]): Promise<Run> {
  const empty = path.join(dir, '..', 'empty.tfrc');
  if (!fs.existsSync(empty)) fs.writeFileSync(empty, '');
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn('terraform', args, {
      cwd: dir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: empty, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** Runs the jobs with at most `limit` at a time, results in job order. */
export async function runLimited<T>(jobs: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
