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
