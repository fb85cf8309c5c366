import { TerraformBackend, type TerraformRemoteState } from 'cdktf';
import type { Construct } from 'constructs';

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

/** Adds the configured backend to a stack (shared by the vSphere and the AWS stack). */
export function addBackend(stack: Construct, id: string, backend: BackendConfig): void {
  new ConfiguredBackend(stack, substituteStack(backend.config, id) as Record<string, unknown>, backend.type);
}
