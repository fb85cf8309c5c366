import { Annotations, TerraformOutput, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { renderNodeBootstrap, type NodeBootstrap } from '../bootstrap/cloud-init';
import type { UmsHaTopologyDocument } from '../topology/generated/topology-types';
import type { ResolvedNode, ResolvedTopology } from '../topology/model';
import { NO_SOURCE, type SourceMap } from '../topology/source';
import { formatFinding, validateValue } from '../topology/validate';
import { UmsHaAntiAffinity } from './anti-affinity';
import { UmsHaValidationError } from './errors';
import { UmsHaNetwork } from './network';
import { UmsHaNodeVm } from './node-vm';
import { UmsHaSite } from './site';
import { UmsHaTags } from './tags';
import { terraformLiteral, terraformLiterals } from './terraform-literal';
import { namedVariable } from './variable';

/**
 * Which nodes a synthesis contains. A new HA network (`networkToken.mode: create`) is deployed in
 * two phases: `first-server` creates the shared resources and the first server, which creates the
 * IGEL network token; once the token is in its variable, `all` adds every other node.
 */
export type DeployPhase = 'first-server' | 'all';

/** guestinfo keys the bootstrap reads secrets from (and blanks after use). */
export const SECRET_GUESTINFO_KEYS = {
  databasePassword: 'guestinfo.ums.db_password',
  networkToken: 'guestinfo.ums.network_token',
} as const;

/** Props of {@link UmsHaTopology}. */
export interface UmsHaTopologyProps {
  /** The HA network, exactly as in a topology file (see docs/topology.md). */
  readonly topology: UmsHaTopologyDocument;
  /**
   * The file the topology was read from, named in validation messages.
   * @default - messages name the construct path
   */
  readonly sourceFile?: string;
  /**
   * Where each value is in `sourceFile`, so validation messages carry line:column.
   * @default - positions are 0:0
   */
  readonly sourceMap?: SourceMap;
  /**
   * Which nodes to build (see {@link DeployPhase}).
   * @default 'all'
   */
  readonly deployPhase?: DeployPhase;
  /**
   * Renders a node's cloud-init.
   * @default - renderNodeBootstrap from bootstrap/
   */
  readonly renderBootstrap?: (topology: ResolvedTopology, node: ResolvedNode) => NodeBootstrap;
}

/**
 * An IGEL UMS HA network on vSphere. Validates the topology with the same rules and messages as
 * `ums-ha validate` and, before creating anything, throws {@link UmsHaValidationError} listing every
 * error finding; warnings become annotations. Then composes the site look-ups, the HA network,
 * tags, the secret variables, one VM per node and the anti-affinity rules, and outputs the nodes and
 * the address devices connect to.
 */
export class UmsHaTopology extends Construct {
  /** The topology after defaults and sizing. */
  readonly topology: ResolvedTopology;
  readonly site: UmsHaSite;
  readonly network: UmsHaNetwork;
  readonly tags: UmsHaTags;
  /** The sensitive variable of the database password. */
  readonly databasePassword: TerraformVariable;
  /** The sensitive variable of the network token, when a node of this phase joins with it. */
  readonly networkToken?: TerraformVariable;
  /** The VMs of this phase, in install order. */
  readonly nodes: readonly UmsHaNodeVm[];
  readonly antiAffinity: UmsHaAntiAffinity;

  constructor(scope: Construct, id: string, props: UmsHaTopologyProps) {
    super(scope, id);
    const file = props.sourceFile ?? this.node.path;
    const result = validateValue(props.topology, props.sourceMap ?? NO_SOURCE, { synthesis: true });
    const errors = result.findings.filter((f) => f.severity === 'error');
    if (errors.length > 0 || !result.topology) {
      throw new UmsHaValidationError(this.node.path, errors, errors.map((f) => formatFinding(file, f)));
    }
    for (const warning of result.findings) Annotations.of(this).addWarning(formatFinding(file, warning));

    const t = result.topology;
    this.topology = t;
    const vsphere = t.vsphere!; // the schema requires it on vsphere, and UMS-PLAT-001 refuses other platforms
    const phase = props.deployPhase ?? 'all';
    const render = props.renderBootstrap ?? renderNodeBootstrap;

    this.site = new UmsHaSite(this, 'Site', vsphere);
    this.network = new UmsHaNetwork(this, 'Network', {
      datacenterId: this.site.datacenter.id,
      portGroup: t.network.portGroup,
      vlanId: t.network.vlanId,
      distributedSwitch: t.network.distributedSwitch,
    });
    this.tags = new UmsHaTags(this, 'Tags', { topologyName: t.name });

    const built = phase === 'first-server' ? t.nodes.slice(0, 1) : t.nodes;
    // The first server creates the token in a new network; every other node joins with it.
    const joins = (node: ResolvedNode) => t.networkToken.mode === 'existing' || node.index > 0;
    this.databasePassword = secretVariable(this, 'DatabasePassword', t.database.passwordVariable!, 'Password of the UMS database user');
    if (built.some(joins)) {
      this.networkToken = secretVariable(this, 'NetworkToken', t.networkToken.variable, 'Content of the IGEL network token (IGEL-Network.token) joining nodes install with');
    }

    const passwordRef = this.databasePassword.stringValue;
    const tokenRef = this.networkToken?.stringValue;
    this.nodes = built.map((node) => {
      const secrets: Record<string, string> = {};
      if (node.roles.includes('server')) secrets[SECRET_GUESTINFO_KEYS.databasePassword] = passwordRef;
      if (joins(node) && tokenRef !== undefined) secrets[SECRET_GUESTINFO_KEYS.networkToken] = tokenRef;
      return new UmsHaNodeVm(this, node.name, {
        node,
        site: this.site,
        networkId: this.network.networkId,
        bootstrap: render(t, node),
        secrets,
        tagIds: this.tags.tagIds(node.roles),
      });
    });

    const vmIds = (pick: (n: ResolvedNode) => boolean) => this.nodes.filter((_vm, i) => pick(built[i] as ResolvedNode)).map((vm) => vm.resource.id);
    this.antiAffinity = new UmsHaAntiAffinity(this, 'AntiAffinity', {
      computeClusterId: this.site.refs.clusterId,
      mandatory: vsphere.antiAffinity === 'mandatory',
      groups: [
        { name: `${t.name}-ums-servers`, virtualMachineIds: vmIds((n) => n.roles.includes('server')) },
        { name: `${t.name}-ums-load-balancers`, virtualMachineIds: vmIds((n) => !n.roles.includes('server')) },
      ],
    });

    const output = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value: terraformLiterals(value), description: terraformLiteral(description) }).overrideLogicalId(name);
    output(
      'nodes',
      built.map((n) => ({ name: n.name, vm: n.vmName, roles: n.roles.join(','), ip: n.ip })),
      'The HA hosts of this deploy phase, in install order',
    );
    const deviceAddresses =
      t.loadBalancing === 'external' ? [t.clusterAddress] : t.nodes.filter((n) => n.roles.includes('loadBalancer')).map((n) => n.ip);
    output('device_addresses', deviceAddresses, 'Where devices connect: the IGEL load balancers (TCP 30001 for OS 11, 8443 for OS 12), or the external cluster address');
    output('deploy_phase', phase, 'first-server: only the first server exists yet; all: every node');
  }
}

function secretVariable(scope: Construct, id: string, name: string, what: string): TerraformVariable {
  return namedVariable(scope, id, name, `${what} (pass it as TF_VAR_${name}).`, true);
}
