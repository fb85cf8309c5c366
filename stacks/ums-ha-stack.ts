import { VsphereProvider } from '@cdktf/provider-vsphere/lib/provider';
import { LocalBackend, TerraformBackend, TerraformStack, type TerraformRemoteState } from 'cdktf';
import type { Construct } from 'constructs';
import { UmsHaTopology, type UmsHaTopologyProps } from '../constructs/ums-ha-topology';
import { terraformLiteral, terraformLiterals } from '../constructs/terraform-literal';
import { namedVariable } from '../constructs/variable';

/** A Terraform backend block: `terraform { backend "<type>" { ...config } }`. */
export interface BackendConfig {
  /** Backend type, e.g. `s3`, `azurerm`, `gcs`, `pg`, `http`, `remote`. */
  readonly type: string;
  /** Its settings; the text `{stack}` in any string value becomes the stack name. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Props of {@link UmsHaStack}. */
export interface UmsHaStackProps extends UmsHaTopologyProps {
  /**
   * Where Terraform keeps the state, which holds the secrets in plaintext (the sensitive variables
   * and the guestinfo values): use a remote backend with encryption and access control.
   * @default - the local backend (terraform.<stack>.tfstate in the stack's folder)
   */
  readonly backend?: BackendConfig;
  /**
   * Path of the local state file when no `backend` is given, as Terraform reads it: relative to the
   * stack's folder (where Terraform runs), so the synthesized stack works from any checkout.
   * @default - cdktf's default: terraform.<stack>.tfstate in the current directory, as an absolute path
   */
  readonly localStatePath?: string;
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

/** The vCenter connection as variables; the password is sensitive. */
export const VSPHERE_VARIABLES = { server: 'vsphere_server', user: 'vsphere_user', password: 'vsphere_password' } as const;

/**
 * One Terraform stack per HA network: the vSphere provider (connection from the variables
 * vsphere_server, vsphere_user and vsphere_password, certificates verified) and the topology.
 */
export class UmsHaStack extends TerraformStack {
  readonly topology: UmsHaTopology;

  constructor(scope: Construct, id: string, props: UmsHaStackProps) {
    super(scope, id);
    const variable = (name: string, description: string, sensitive = false) => namedVariable(this, name, name, description, sensitive).stringValue;
    new VsphereProvider(this, 'vsphere', {
      vsphereServer: variable(VSPHERE_VARIABLES.server, 'vCenter host name (TF_VAR_vsphere_server)'),
      user: variable(VSPHERE_VARIABLES.user, 'vCenter user (TF_VAR_vsphere_user)'),
      password: variable(VSPHERE_VARIABLES.password, 'vCenter password (TF_VAR_vsphere_password)', true),
      allowUnverifiedSsl: false,
    });
    if (!props.backend && props.localStatePath !== undefined) new LocalBackend(this, { path: terraformLiteral(props.localStatePath) });
    if (props.backend) new ConfiguredBackend(this, terraformLiterals(substituteStack(props.backend.config, id) as Record<string, unknown>), props.backend.type);
    this.topology = new UmsHaTopology(this, 'topology', props);
  }
}
