import { VsphereProvider } from '@cdktf/provider-vsphere/lib/provider';
import { TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { UmsHaTopology, type UmsHaTopologyProps } from '../constructs/ums-ha-topology';

/** Props of {@link UmsHaStack}: those of the topology construct. */
export type UmsHaStackProps = UmsHaTopologyProps;

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
    const variable = (name: string, description: string, sensitive = false) => {
      const v = new TerraformVariable(this, name, { type: 'string', description, sensitive, nullable: false });
      v.overrideLogicalId(name);
      return v.stringValue;
    };
    new VsphereProvider(this, 'vsphere', {
      vsphereServer: variable(VSPHERE_VARIABLES.server, 'vCenter host name (TF_VAR_vsphere_server)'),
      user: variable(VSPHERE_VARIABLES.user, 'vCenter user (TF_VAR_vsphere_user)'),
      password: variable(VSPHERE_VARIABLES.password, 'vCenter password (TF_VAR_vsphere_password)', true),
      allowUnverifiedSsl: false,
    });
    this.topology = new UmsHaTopology(this, 'topology', props);
  }
}
