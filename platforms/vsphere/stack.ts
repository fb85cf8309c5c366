import { VsphereProvider } from '@cdktf/provider-vsphere/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { UmsHaTopology, type UmsHaTopologyProps } from './constructs/ums-ha-topology';
import { namedVariable } from '../../constructs/variable';
import { addBackend, addTopology, type BackendConfig } from '../../stacks/backend';
import { VSPHERE_VARIABLES } from './deploy-variables';

// terraform-literal: no literal here: the provider gets variable references only, the variables' descriptions go through namedVariable and the backend through addBackend, which escape.
export type { BackendConfig } from '../../stacks/backend';

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

/** The vCenter connection as variables; the password is sensitive. */
export { VSPHERE_VARIABLES } from './deploy-variables';

/**
 * One Terraform stack per HA network: the vSphere provider (connection from the variables
 * vsphere_server, vsphere_user and vsphere_password, certificates verified) and the topology.
 * Synthesis writes the sizing review beside the stack's cdk.tf.json (sizing-report.md and
 * sizing-report.json, the latter with `file` when the topology came from one).
 *
 * A topology with an error finding throws {@link UmsHaValidationError} and the stack removes
 * itself from the app first: an app that catches the error synthesizes no stack of it (no
 * provider, no variables, no manifest entry).
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
    addBackend(this, id, props.backend, props.localStatePath);
    this.topology = addTopology(this, scope, id, props.sourceFile, () => new UmsHaTopology(this, 'topology', props));
  }
}
