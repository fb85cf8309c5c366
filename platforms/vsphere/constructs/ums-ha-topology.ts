import { TerraformOutput, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { renderNodeBootstrap, type NodeBootstrap } from '../../../bootstrap/cloud-init';
import { deviceAddresses } from '../../../core/network/matrix';
import type { UmsHaTopologyDocument } from '../../../core/document/generated/topology-types';
import type { ResolvedNode, ResolvedTopology } from '../../../core/model/model';
import type { SourceMap } from '../../../core/document/source';
import type { Finding } from '../../../core/base/findings';
import type { SizingReport } from '../../../core/reports/report';
import { UmsHaAntiAffinity } from './anti-affinity';
import { UmsHaNetwork } from './network';
import { UmsHaNodeVm } from './node-vm';
import { UmsHaSite } from './site';
import { UmsHaTags } from '../../../constructs/tags';
import { terraformLiteral, terraformLiterals } from '../../../constructs/terraform-literal';
import { validateForConstruct } from '../../../constructs/validated';
import { namedVariable } from '../../../constructs/variable';

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
   * @default - messages give each value's JSON pointer (`FILE#/spec/devices`) instead of a position
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
 * error finding (the construct then removes itself from its scope, so nothing of it is
 * synthesized); warnings become annotations. Then composes the site look-ups, the HA network,
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
  /** Every finding of the validation (warnings only: an error refuses the topology). */
  readonly findings: readonly Finding[];
  private readonly sizing: () => SizingReport;

  constructor(scope: Construct, id: string, props: UmsHaTopologyProps) {
    super(scope, id);
    const validated = validateForConstruct(this, scope, id, props, 'vsphere');
    this.findings = validated.result.findings;
    this.sizing = validated.report;

    const t = validated.topology;
    this.topology = t;
    const vsphere = t.vsphere!; // the schema requires it on vsphere; UMS-PLAT-005 refuses aws, UMS-PLAT-001 the other platforms
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
    // OS 11: the IGEL load balancers (30001); OS 12: the servers on 8443, which the IGEL load
    // balancers do not carry; with external load balancing both through the cluster address
    // (core/network/matrix.ts devicePaths, the same rows as the host firewalls and the report).
    output(
      'device_addresses',
      deviceAddresses(t),
      'Where devices connect, per OS generation (host:port): os11 to the IGEL load balancers on TCP 30001 (or the external load balancer), os12 to the UMS Servers on TCP 8443 /device-connector/* directly or through the external load balancer',
    );
    output('deploy_phase', phase, 'first-server: only the first server exists yet; all: every node');
  }

  /**
   * The sizing review of this topology, as `ums-ha report` gives it (render it with
   * renderReportMarkdown); UmsHaStack writes it beside the stack. Built on first use.
   */
  get report(): SizingReport {
    return this.sizing();
  }
}

function secretVariable(scope: Construct, id: string, name: string, what: string): TerraformVariable {
  return namedVariable(scope, id, name, `${what} (pass it as TF_VAR_${name}).`, true);
}
