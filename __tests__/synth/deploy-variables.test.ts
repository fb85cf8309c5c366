/**
 * The variables of a deploy: examples/deploy.env.example names every one the shipped topologies
 * declare, and `cdktf deploy` with one unset stops with one line naming it instead of Terraform's
 * prompt (cdktf runs `terraform apply` in a terminal, without -input=false).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeployPhase } from '../../platforms/vsphere/constructs/ums-ha-topology';
import { readTopology } from '../../core/reader/read';
import type { UmsHaTopologyDocument } from '../../core/document/generated/topology-types';
import { repoRoot, tempDir } from '../helpers/cli';
import { synthStack } from '../helpers/synth';

const ENV_FILE = path.join(repoRoot, 'examples', 'deploy.env.example');
const CDKTF = path.join(repoRoot, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
const dir = tempDir(`ums-ha-deploy-vars-${process.pid}-`);
const strip = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** TF_VAR_* assignments of the env file, as `set -a; . file` exports them. */
function envFileVariables(): Record<string, string> {
  const r = spawnSync('bash', ['-c', 'set -a; . "$1"; set +a; env -0', '_', ENV_FILE], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(r.status).toBe(0);
  return Object.fromEntries(
    r.stdout
      .split('\0')
      .filter((l) => l.startsWith('TF_VAR_'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** The variables the stacks of topologies/ declare, over both deploy phases. */
function declaredVariables(): string[] {
  const names = new Set<string>();
  for (const file of fs.readdirSync(path.join(repoRoot, 'topologies'))) {
    const read = readTopology(path.join(repoRoot, 'topologies', file), { synthesis: true });
    if ('problem' in read) throw new Error(read.problem);
    // The AWS stacks declare no variables: their hosts read the secrets from SSM, the provider its
    // credentials from the environment (docs/topology.md, Platform aws).
    if ((read.result.document as UmsHaTopologyDocument).spec.platform === 'aws') continue;
    for (const deployPhase of ['first-server', 'all'] as DeployPhase[]) {
      const { json } = synthStack({ topology: read.result.document as UmsHaTopologyDocument, sourceMap: read.result.source, deployPhase });
      for (const name of Object.keys(json.variable)) names.add(name);
    }
  }
  return [...names].sort();
}

describe('deploy variables', () => {
  it('examples/deploy.env.example sets every variable the shipped topologies declare, and nothing else', () => {
    const declared = declaredVariables();
    expect(declared).toContain('vsphere_password');
    expect(Object.keys(envFileVariables()).sort()).toEqual(declared.map((n) => `TF_VAR_${n}`));
    // examples/typescript-app uses the same variable names.
    const app = fs.readFileSync(path.join(repoRoot, 'examples', 'typescript-app', 'main.ts'), 'utf8');
    for (const m of app.matchAll(/(?:passwordVariable|variable): '(\w+)'/g)) expect(declared).toContain(m[1]);
  });

  it('cdktf deploy with one variable unset stops with one line naming it, without prompting', () => {
    const names = declaredVariables();
    // The variables exactly as the stack declares them (namedVariable), in a stack without the
    // vSphere provider, so terraform init needs nothing from the network.
    fs.writeFileSync(
      path.join(dir, 'app.js'),
      [
        `const { App, TerraformStack } = require(${JSON.stringify(path.join(repoRoot, 'node_modules', 'cdktf'))});`,
        `const { namedVariable } = require(${JSON.stringify(path.join(repoRoot, 'dist', 'constructs', 'variable.js'))});`,
        'const app = new App();',
        "const stack = new TerraformStack(app, 'vars');",
        `for (const name of ${JSON.stringify(names)}) namedVariable(stack, name, name, name, true);`,
        'app.synth();',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node app.js', sendCrashReports: 'false' }));
    const env: Record<string, string | undefined> = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' };
    for (const key of Object.keys(env)) if (key.startsWith('TF_VAR_')) delete env[key];
    for (const key of Object.keys(envFileVariables())) env[key] = 'filled-in';
    delete env.TF_VAR_vsphere_password;
    const started = Date.now();
    const r = spawnSync(process.execPath, [CDKTF, 'deploy', 'vars', '--auto-approve'], { cwd: dir, encoding: 'utf8', env, input: '', timeout: 120_000 });
    const out = strip(`${r.stdout}${r.stderr}`);
    expect(r.signal).toBeNull(); // not killed by the timeout: it did not wait for input
    expect(r.status).not.toBe(0);
    const lines = out.split('\n').filter((l) => /is not set/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/TF_VAR_vsphere_password is not set\.$/);
    expect(out).not.toMatch(/Enter a value/);
    expect(Date.now() - started).toBeLessThan(120_000);
  }, 150_000);
});
