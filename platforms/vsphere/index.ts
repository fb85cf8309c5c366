/**
 * The vSphere platform's entry in the registry (core/platform/registry.ts), free of cdktf: VMs on
 * one VLAN with static addresses and static MACs, secrets in guestinfo, the HAProxy configuration
 * for an external load balancer. The stack (./stack.ts, cdktf and the vSphere bindings) loads only
 * when a vsphere topology is synthesized.
 */
import type { PlatformEntry, PlatformStackClass } from '../../core/platform/registry';
import type { ResolvedTopology } from '../../core/model/model';
import { GUESTINFO_MAX_BYTES, userDataProblem } from '../../bootstrap/cloud-init';
import { STATIC_MAC_MIN_PREFIX, staticMac } from './mac';
import { VSPHERE_VARIABLES } from './deploy-variables';

export const vspherePlatform: PlatformEntry = {
  name: 'vsphere',
  title: 'VMware vSphere: VMs in a vCenter, on one VLAN',
  isDefault: true,
  broadcast: true,
  externalLoadBalancer: 'haproxy',
  placement: {
    nodeMac: staticMac,
    minPrefixLength: { prefix: STATIC_MAC_MIN_PREFIX, why: 'static MACs' },
  },
  userDataProblem,
  bootstrap: {
    secretSource: 'guestinfo',
    packages: ['open-vm-tools'],
    networkConfig: 'static-mac',
    userData: {
      maxBytes: GUESTINFO_MAX_BYTES,
      counted: 'gzip+base64',
      name: 'guestinfo.userdata of {node}',
      limit: 'vSphere allows at most {max} per guestinfo value',
      metadata: { name: 'guestinfo.metadata of {node}' },
    },
  },
  deploy: {
    nodeResource: (node) => `vsphere_virtual_machine.${node.name}`,
    secretsVia: 'terraform-variables',
    deployVariables: (t: ResolvedTopology) => [...Object.values(VSPHERE_VARIABLES), ...(t.database.passwordVariable ? [t.database.passwordVariable] : []), t.networkToken.variable],
    credentials: 'with the variables of the first deploy (examples/deploy.env.example) and the token of step "Get the current IGEL network token" (the shell names a variable that is not set)',
  },
  classes: { stack: 'UmsHaStack', construct: 'UmsHaTopology' },
  loadStack: () => (require('./stack') as typeof import('./stack')).UmsHaStack as PlatformStackClass,
};
