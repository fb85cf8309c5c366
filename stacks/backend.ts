import * as path from 'node:path';
import { LocalBackend, TerraformBackend, type ISynthesisSession, type TerraformStack, type TerraformRemoteState } from 'cdktf';
import type { Construct } from 'constructs';
import { terraformLiteral, terraformLiterals } from '../constructs/terraform-literal';
import type { SizingReport } from '../core/reports/report';
import type { ResolvedTopology } from '../core/model/model';
import { writeStackFiles } from '../core/reports/report-files';

/** A Terraform backend block: `terraform { backend "<type>" { ...config } }`. */
export interface BackendConfig {
  /** Backend type, e.g. `s3`, `azurerm`, `gcs`, `pg`, `http`, `remote`. */
  readonly type: string;
  /** Its settings; the text `{stack}` in any string value becomes the stack name. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A backend of any type, from {@link BackendConfig} (replaces cdktf's default local backend). */
class ConfiguredBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly settings: Readonly<Record<string, unknown>>,
    type: string,
  ) {
    super(scope, 'backend', type);
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { ...this.settings };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return Object.fromEntries(Object.entries(this.settings).map(([k, value]) => [k, { value, type: 'simple' }]));
  }

  getRemoteStateDataSource(): TerraformRemoteState {
    throw new Error('ums-ha stacks do not read each other\'s state');
  }
}

function substituteStack(value: unknown, stack: string): unknown {
  if (typeof value === 'string') return value.split('{stack}').join(stack);
  if (Array.isArray(value)) return value.map((v) => substituteStack(v, stack));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteStack(v, stack)]));
  return value;
}

/**
 * Adds the stack's backend (shared by the vSphere and the AWS stack): the configured one, or the
 * local backend at `localStatePath` (relative to the stack's folder), or cdktf's default. Every
 * setting goes through terraformLiteral.
 */
export function addBackend(stack: Construct, id: string, backend: BackendConfig | undefined, localStatePath?: string): void {
  if (backend) new ConfiguredBackend(stack, terraformLiterals(substituteStack(backend.config, id) as Record<string, unknown>), backend.type);
  else if (localStatePath !== undefined) new LocalBackend(stack, { path: terraformLiteral(localStatePath) });
}

/**
 * Adds a stack's topology construct (`make`): if it refuses its topology, the stack removes itself
 * from its scope before the error goes on (a caller that catches it synthesizes nothing of the
 * stack); otherwise the stack writes the topology's sizing review beside its cdk.tf.json.
 */
export function addTopology<T extends { readonly report: SizingReport; readonly topology: ResolvedTopology }>(stack: TerraformStack, scope: Construct, id: string, sourceFile: string | undefined, make: () => T): T {
  let topology: T;
  try {
    topology = make();
  } catch (err) {
    scope.node.tryRemoveChild(id);
    throw err;
  }
  writeFilesWithStack(stack, () => topology, sourceFile);
  return topology;
}

/**
 * Makes a stack write the files beside its cdk.tf.json at synthesis (core/reports/report-files.ts:
 * the sizing review, the external load balancer's configuration), in an app of one's own as in
 * the ums-ha app.
 */
export function writeFilesWithStack(stack: TerraformStack, topology: () => { readonly report: SizingReport; readonly topology: ResolvedTopology }, file: string | undefined): void {
  const stackSynthesizer = stack.synthesizer;
  stack.synthesizer = {
    synthesize: (session: ISynthesisSession) => {
      stackSynthesizer.synthesize(session);
      const t = topology();
      writeStackFiles(path.join(session.outdir, session.manifest.forStack(stack).workingDirectory), t.topology, t.report, file);
    },
  };
}
