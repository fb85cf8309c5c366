/**
 * The topology part of `ums-ha plan-update`: every difference between the deployed and the proposed
 * topology that is not the UMS version, and how it reaches the hosts. A running host never sees a
 * deploy again (its VM ignores changes to guestinfo, cloud-init runs once), so each change is one of
 * - by the deploy: a new VM (it boots with the proposed topology), a destroyed VM, or a VM
 *   reconfigured by Terraform (resized, one host at a time with a targeted apply);
 * - a step on the existing hosts, with the exact commands: the host firewall rendered from the
 *   proposed topology and loaded (device or admin CIDRs, ports, HA addresses outside the slots),
 *   chrony's time sources and a restart of the HA services (seed 000, 000_18dbf9d1c373b09f.txt, and
 *   seed 003, 003_a4f0301adabc394b.txt: "After each manual time reset, the HA services on the
 *   relevant server must be restarted"), the resolvers and gateway in netplan;
 * - a rebuild: what neither can change (a smaller disk; a moved address or subnet is refused by
 *   UMS-UPD-006, a layout, VLAN or platform change by UMS-UPD-005).
 * Removed nodes are drained and stopped first, then deleted from the UMS Network list before the
 * deploy destroys them (seed 000: the UMS Network list must show only components that exist).
 */
import { FIREWALL_PATH, renderFirewall } from '../configs/nftables';
import { shellQuote } from '../base/shell';
import { platformEntry } from '../platform/registry';
import { num, plural } from '../base/findings';
import { expectedUnits } from '../network/matrix';
import { DEVICES_PER_SERVER, type ResolvedNode, type ResolvedTopology, type ResolvedVmSize } from '../model/model';
import { oneFailure } from '../rules/size';
import { admittedAddresses } from '../model/resolve';
import type { StepDraft } from './runbook';

export type { StepDraft } from './runbook';

/** How a change reaches the hosts. */
export type Reach = 'deploy' | 'host-step' | 'by-hand' | 'rebuild';

export interface TopologyChange {
  readonly kind: 'node-added' | 'node-removed' | 'resized' | 'firewall' | 'ntp' | 'dns' | 'gateway' | 'setting';
  /** What changes, with the values. */
  readonly what: string;
  readonly reaches: Reach;
  /** How it gets there, in one sentence. */
  readonly how: string;
}

export interface TopologyChangePlan {
  readonly changes: readonly TopologyChange[];
  /** Drain, stop and delete from the UMS Network list the nodes the proposed topology removes. */
  readonly removal: readonly StepDraft[];
  /** Steps on the existing hosts, before the deploy adds or destroys VMs. */
  readonly beforeDeploy: readonly StepDraft[];
}

/** Where cloud-init's ntp module (chrony, Ubuntu) writes the time sources: one `server X iburst` line each. */
export const CHRONY_CONF = '/etc/chrony/chrony.conf';
/** Where cloud-init writes the netplan configuration of the node's metadata (bootstrap/cloud-init.ts). */
export const NETPLAN_CONF = '/etc/netplan/50-cloud-init.yaml';
/** The here-document delimiter of the firewall step (no ruleset line is ever this). */
const EOF_MARK = 'UMS_HA_FIREWALL';

const sameSize = (a: ResolvedVmSize, b: ResolvedVmSize) => a.cpus === b.cpus && a.memoryGb === b.memoryGb && a.diskGb === b.diskGb;
const sizeText = (s: ResolvedVmSize) => `${s.cpus} vCPUs, ${s.memoryGb} GB RAM, ${s.diskGb} GB data disk`;
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const listText = (a: readonly string[]) => a.join(', ');

/** The commands that replace a host's ruleset with `text` and load it (checked first, atomic per table). */
export function firewallCommands(text: string): string[] {
  const next = `${FIREWALL_PATH}.new`;
  return [
    `sudo tee ${next} > /dev/null <<'${EOF_MARK}'\n${text}${EOF_MARK}`,
    `sudo chmod 0600 ${next}`,
    `sudo nft -c -f ${next}`,
    `sudo mv ${next} ${FIREWALL_PATH}`,
    `sudo nft -f ${FIREWALL_PATH}`,
  ];
}

/** The commands that make chrony use `servers` (the lines cloud-init's template writes) and restart it. */
export function chronyCommands(servers: readonly string[]): string[] {
  const edit = ['sudo sed -i', `-e ${shellQuote('/^server .* iburst$/d')}`, ...servers.map((s) => `-e ${shellQuote(`/^# servers$/a server ${s} iburst`)}`), CHRONY_CONF].join(' ');
  return [edit, 'sudo systemctl restart chrony', 'sudo chronyc waitsync 30 0.5'];
}

/** The command that sets resolvers and default gateway of the HA NIC in the netplan file, then applies it. */
export function netplanCommands(dns: readonly string[], gateway: string): string[] {
  const py = [
    'import yaml',
    `p = "${NETPLAN_CONF}"`,
    'd = yaml.safe_load(open(p))',
    'e = d["network"]["ethernets"]["ha0"]',
    `e["nameservers"] = {"addresses": [${dns.map((a) => `"${a}"`).join(', ')}]}`,
    // The form the node booted with (bootstrap/cloud-init.ts haNetworkConfig): gateway4, no second default route.
    'e.pop("routes", None)',
    `e["gateway4"] = "${gateway}"`,
    'open(p, "w").write(yaml.safe_dump(d, default_flow_style=False))',
  ].join('; ');
  return [`sudo python3 -c ${shellQuote(py)}`, 'sudo netplan apply'];
}

/** Hosts grouped by the HA units they run (a step's commands are the same on every host of it). */
function byUnits(nodes: readonly ResolvedNode[]): ResolvedNode[][] {
  const groups = new Map<string, ResolvedNode[]>();
  for (const n of nodes) {
    const key = expectedUnits(n).join(' ');
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  return [...groups.values()];
}

/** Whether the running hosts' rulesets already admit this node of the proposed topology. */
const admittedBy = (d: ResolvedTopology, n: ResolvedNode) => n.ip !== null && n.roles.every((r) => admittedAddresses(d, r).includes(n.ip as string));

/** Why a kept host's ruleset differs, in words. */
function firewallReasons(d: ResolvedTopology, p: ResolvedTopology, added: readonly ResolvedNode[]): string {
  const reasons: string[] = [];
  if (!sameList(d.network.deviceCidrs, p.network.deviceCidrs)) reasons.push(`device CIDRs ${listText(d.network.deviceCidrs)} -> ${listText(p.network.deviceCidrs)}`);
  if (!sameList(d.network.adminCidrs, p.network.adminCidrs)) reasons.push(`admin CIDRs ${listText(d.network.adminCidrs)} -> ${listText(p.network.adminCidrs)}`);
  const outside = added.filter((n) => !admittedBy(d, n));
  if (outside.length > 0) reasons.push(`new nodes outside the address slots (${outside.map((n) => `${n.name} ${n.ip ?? ''}`).join(', ')})`);
  if (reasons.length === 0) reasons.push('the allowed flows or the HA addresses (device OS, ports, a removed node outside the slots)');
  return reasons.join('; ');
}

/** The two topologies and the nodes they share, as every kind of change reads them. */
interface ChangeContext {
  readonly deployed: ResolvedTopology;
  readonly proposed: ResolvedTopology;
  readonly added: readonly ResolvedNode[];
  readonly removed: readonly ResolvedNode[];
  /** The nodes in both topologies, as the proposed one declares them. */
  readonly kept: readonly ResolvedNode[];
  /** A kept node as the deployed topology declares it. */
  readonly before: (n: ResolvedNode) => ResolvedNode;
  /** The folder of the proposed file, which the runbook's synthesis reads (UMS_TOPOLOGY_DIR). */
  readonly topologyDir: string;
}

/** One kind of change: its rows of the Changes table and the steps that carry it to the hosts. */
interface ChangePart {
  readonly changes: readonly TopologyChange[];
  readonly steps: readonly StepDraft[];
}

/**
 * @param topologyDir the folder of the proposed file, which the runbook's synthesis reads
 *   (UMS_TOPOLOGY_DIR, as in the deploy step). @default 'topologies'
 */
export function planTopologyChanges(deployed: ResolvedTopology, proposed: ResolvedTopology, topologyDir = 'topologies'): TopologyChangePlan {
  const inDeployed = new Map(deployed.nodes.map((n) => [n.name, n]));
  const inProposed = new Map(proposed.nodes.map((n) => [n.name, n]));
  const c: ChangeContext = {
    deployed,
    proposed,
    added: proposed.nodes.filter((n) => !inDeployed.has(n.name)),
    removed: deployed.nodes.filter((n) => !inProposed.has(n.name)),
    kept: proposed.nodes.filter((n) => inDeployed.has(n.name)),
    before: (n) => inDeployed.get(n.name) as ResolvedNode,
    topologyDir,
  };
  const removal = removedNodes(c);
  // The steps on the running hosts, in this order, before the deploy adds or destroys VMs.
  const onHosts = [resizedNodes(c), firewallChange(c), timeSourcesChange(c), resolverGatewayChange(c)];
  return {
    changes: [...addedNodes(c), ...removal.changes, ...onHosts.flatMap((p) => p.changes), ...settingChanges(deployed, proposed, c.kept.length > 0)],
    removal: removal.steps,
    beforeDeploy: onHosts.flatMap((p) => p.steps),
  };
}

/**
 * Added nodes: new VMs that boot with the proposed topology, install and join (seed 002,
 * 002_c6ce0ee242701b9d.txt: further servers join with the same network token and database);
 * the running hosts admit them already when their address is in a slot (firewallChange otherwise).
 */
function addedNodes(c: ChangeContext): TopologyChange[] {
  return c.added.map((n) => ({
    kind: 'node-added',
    what: `${n.vmName} (${n.roles.join(' + ')}, ${n.ip ?? 'no address'})`,
    reaches: 'deploy',
    how: admittedBy(c.deployed, n)
      ? 'a new VM: it boots with the proposed topology, installs and joins; the running hosts already admit its address slot'
      : 'a new VM: it boots with the proposed topology, installs and joins, after the firewall step has admitted it on the running hosts',
  }));
}

/**
 * Removed nodes: drained and stopped one by one, then deleted from the UMS Network list before the
 * deploy destroys their VMs. Seed 000 (000_18dbf9d1c373b09f.txt) and seed 004
 * (004_f9c19963f33757ec.txt), "Preparing the Update", step 2: the list shows only components that
 * exist (no orphaned entries). The capacity left: UMS-SIZE-007 (rules/size.ts).
 */
function removedNodes(c: ChangeContext): ChangePart {
  const { removed, proposed } = c;
  const changes = removed.map((n): TopologyChange => ({ kind: 'node-removed', what: `${n.vmName} (${n.roles.join(' + ')}, ${n.ip ?? 'no address'})`, reaches: 'deploy', how: 'drained and stopped, deleted from the UMS Network list, then the deploy destroys its VM' }));
  if (removed.length === 0) return { changes, steps: [] };
  const f = oneFailure(proposed).servers;
  const servers = proposed.nodes.filter((n) => n.roles.includes('server')).length;
  const drain = (n: ResolvedNode): StepDraft => ({
    phase: 'topology',
    title: `Drain and stop ${n.vmName} (removed by the proposed topology)`,
    hosts: [n.vmName],
    details: [
      n.roles.includes('server')
        ? `Its devices move to the other servers when it stops: the ${plural(servers, 'server')} left serve up to ${num(servers * DEVICES_PER_SERVER)} devices for the ${num(proposed.devices)} declared${f.ok ? '' : ` (one more failure leaves ${num(f.capacityDevices)}: UMS-SIZE-007)`}.`
        : 'Devices that use it reconnect to the other load balancers when it stops.',
      'Start no firmware download, job or update on it; then stop its services so it takes no part in the HA network any more.',
    ],
    commands: [`sudo systemctl stop ${[...expectedUnits(n)].reverse().join(' ')}`],
    check: `UMS Console > UMS Administration > UMS Network shows ${n.vmName} stopped`,
  });
  const deleteEntries: StepDraft = {
    phase: 'topology',
    title: 'Delete the removed hosts from the UMS Network list',
    hosts: [],
    details: [
      `UMS Console > UMS Administration > UMS Network: delete the entries of ${removed.map((n) => n.vmName).join(', ')}, before their VMs are destroyed.`,
      'An entry of a component that no longer exists is an orphaned entry (seed 000); it must not stay in the list.',
    ],
    commands: [],
    check: `the list shows exactly: ${c.kept.map((n) => n.vmName).join(', ')}`,
  };
  return { changes, steps: [...removed.map(drain), deleteEntries] };
}

/**
 * Resized VMs: Terraform reconfigures them by a targeted apply, one host at a time, so the others
 * keep serving; a data disk cannot shrink (a rebuild). The stop and start of the HA services: the
 * services of seed 004 (004_f9c19963f33757ec.txt), "IGEL UMS HA Services and Processes".
 */
function resizedNodes(c: ChangeContext): ChangePart {
  const changes: TopologyChange[] = [];
  const steps: StepDraft[] = [];
  for (const n of c.kept.filter((k) => !sameSize(c.before(k).size, k.size))) {
    const from = c.before(n).size;
    const shrink = n.size.diskGb < from.diskGb;
    changes.push({
      kind: 'resized',
      what: `${n.vmName}: ${sizeText(from)} -> ${sizeText(n.size)}`,
      reaches: shrink ? 'rebuild' : 'deploy',
      how: shrink
        ? 'a rebuild: a data disk cannot shrink; keep diskGb, or replace the node (remove it in one change, add a node with a new name in the next)'
        : 'reconfigured by a targeted apply, one host at a time (the VM powers off for a CPU or memory change)',
    });
    if (shrink) continue;
    const stack = `cdktf.out/stacks/${c.proposed.name}`;
    const grow = n.size.diskGb > from.diskGb;
    steps.push({
      phase: 'topology',
      title: `Resize ${n.vmName}`,
      hosts: [n.vmName],
      details: [
        `${sizeText(from)} -> ${sizeText(n.size)}. Only this VM: the other hosts keep serving. Use the same TF_VAR_ variables as for cdktf deploy.`,
        ...(grow ? [`Then grow the data partition and its file system on the host to the new ${n.size.diskGb} GB.`] : []),
      ],
      commands: [
        `sudo systemctl stop ${[...expectedUnits(n)].reverse().join(' ')}`,
        `UMS_TOPOLOGY_DIR=${shellQuote(c.topologyDir)} npx cdktf synth`,
        `terraform -chdir=${stack} init`,
        `terraform -chdir=${stack} apply -target=${platformEntry(c.proposed.platform)?.deploy?.nodeResource(n) ?? n.name}`,
        // The data disk by what it is (bootcmd's /dev/ums-data link, the ums-data label), never by a kernel name.
        ...(grow ? ['sudo growpart "$(readlink -f /dev/ums-data)" 1', 'sudo resize2fs "$(sudo blkid -L ums-data)"'] : []),
        `sudo systemctl start ${expectedUnits(n).join(' ')}`,
      ],
      check: `UMS Network shows ${n.vmName} running; then the next host`,
    });
  }
  return { changes, steps };
}

/**
 * The host firewall: the rulesets of the running hosts against what the proposed topology renders
 * for them (core/configs/nftables.ts, from the firewall matrix; ports: seed 004,
 * 004_f9c19963f33757ec.txt, and seed 002, 002_c6ce0ee242701b9d.txt), loaded on each host that differs.
 */
function firewallChange(c: ChangeContext): ChangePart {
  const { deployed, proposed } = c;
  const hosts = c.kept.filter((n) => renderFirewall(deployed, c.before(n)) !== renderFirewall(proposed, n));
  if (hosts.length === 0) return { changes: [], steps: [] };
  const change: TopologyChange = {
    kind: 'firewall',
    what: `the host firewall of ${hosts.map((n) => n.vmName).join(', ')}: ${firewallReasons(deployed, proposed, c.added)}`,
    reaches: 'host-step',
    how: `a step on those hosts: write the ruleset the proposed topology renders to ${FIREWALL_PATH}, check it and load it`,
  };
  const steps = hosts.map((n): StepDraft => ({
    phase: 'topology',
    title: `Load the proposed firewall on ${n.vmName}`,
    hosts: [n.vmName],
    details: [
      `The ruleset of the proposed topology for ${n.vmName}, byte for byte what a new deploy would boot with; \`nft -c\` checks it before it replaces the running one (one transaction: no moment without rules).`,
    ],
    commands: firewallCommands(renderFirewall(proposed, n)),
    check: `sudo nft list table inet ums_ha on ${n.vmName} shows the proposed sets`,
  }));
  return { changes: [change], steps };
}

/**
 * Time sources: chrony's servers on every running host, then a restart of its HA services. Seed 000
 * (000_18dbf9d1c373b09f.txt), "Preparing the Update", and seed 003 (003_a4f0301adabc394b.txt): the
 * servers must not differ by more than one minute, and "After each manual time reset, the HA services
 * on the relevant server must be restarted".
 */
function timeSourcesChange(c: ChangeContext): ChangePart {
  const ntpFrom = c.deployed.network.ntpServers;
  const ntpTo = c.proposed.network.ntpServers;
  if (sameList(ntpFrom, ntpTo) || c.kept.length === 0) return { changes: [], steps: [] };
  const change: TopologyChange = {
    kind: 'ntp',
    what: `NTP servers ${listText(ntpFrom)} -> ${listText(ntpTo)}`,
    reaches: 'host-step',
    how: `a step on every running host: chrony's sources in ${CHRONY_CONF}, a restart of chrony, then of the HA services (seeds 000, 003)`,
  };
  const steps = byUnits(c.kept).map((group): StepDraft => {
    const units = expectedUnits(group[0] as ResolvedNode);
    return {
      phase: 'topology',
      title: `Switch ${group.length === 1 ? (group[0] as ResolvedNode).vmName : `${plural(group.length, 'host')} running ${units.join(', ')}`} to the new time sources`,
      hosts: group.map((n) => n.vmName),
      details: [
        `One host after another. The servers of an HA network must not differ by more than one minute, and after a time reset the HA services of that host must be restarted (seeds 000, 003).`,
      ],
      commands: [...chronyCommands(ntpTo), `sudo systemctl restart ${units.join(' ')}`, 'sudo ums-ha-preflight --only=clock'],
      check: 'the host reports an offset of at most 60 s and UMS Network shows it running; then the next host',
    };
  });
  return { changes: [change], steps };
}

/**
 * Resolvers and gateway of the HA network interface: netplan on every running host, the values a new
 * node boots with (bootstrap/cloud-init.ts). No seed procedure: a host setting outside the UMS.
 */
function resolverGatewayChange(c: ChangeContext): ChangePart {
  const { deployed, proposed } = c;
  const dnsChanged = !sameList(deployed.network.dns, proposed.network.dns);
  const gatewayChanged = deployed.network.gateway !== proposed.network.gateway;
  if (!(dnsChanged || gatewayChanged) || c.kept.length === 0) return { changes: [], steps: [] };
  const changes: TopologyChange[] = [];
  if (dnsChanged) changes.push({ kind: 'dns', what: `DNS servers ${listText(deployed.network.dns)} -> ${listText(proposed.network.dns)}`, reaches: 'host-step', how: `a step on every running host: the resolvers in ${NETPLAN_CONF}, applied by netplan` });
  if (gatewayChanged) changes.push({ kind: 'gateway', what: `gateway ${deployed.network.gateway} -> ${proposed.network.gateway}`, reaches: 'host-step', how: `a step on every running host: the default route in ${NETPLAN_CONF}, applied by netplan` });
  const step: StepDraft = {
    phase: 'topology',
    title: 'Set the resolvers and the gateway of the HA network interface',
    hosts: c.kept.map((n) => n.vmName),
    details: [`${dnsChanged ? `DNS ${listText(proposed.network.dns)}` : ''}${dnsChanged && gatewayChanged ? ', ' : ''}${gatewayChanged ? `gateway ${proposed.network.gateway}` : ''}: the values a new node boots with.`],
    commands: netplanCommands(proposed.network.dns, proposed.network.gateway),
    check: 'resolvectl status ha0 shows the new DNS servers and ip route shows the default route via the gateway',
  };
  return { changes, steps: [step] };
}

/**
 * Settings the running hosts took once, at first boot or install (cloud-init runs once; the VMs
 * ignore later changes to their guestinfo): a change of one is never silent. Each says what
 * carries it to the hosts: the deploy (Terraform changes the VMs, or only new and replaced hosts
 * read it), or a change by hand on the running hosts.
 */
function settingChanges(deployed: ResolvedTopology, proposed: ResolvedTopology, running: boolean): TopologyChange[] {
  const out: TopologyChange[] = [];
  const text = (v: unknown) => (v === undefined ? '(none)' : Array.isArray(v) ? (v.length === 0 ? '(none)' : v.join(', ')) : String(v));
  const diff = (what: string, a: unknown, b: unknown, reaches: Reach, how: string, show = true) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    out.push({ kind: 'setting', what: show ? `${what} ${text(a)} -> ${text(b)}` : `${what} changed`, reaches, how });
  };
  const db = (k: keyof ResolvedTopology['database']) => [deployed.database[k], proposed.database[k]] as const;
  const onServers = running
    ? 'not by the deploy: the running servers keep the data source they were installed with; change it on every running server (UMS Administrator, data source), one at a time, then new hosts install with the new value'
    : 'by the deploy: every host installs with it';
  for (const key of ['engine', 'host', 'port', 'name', 'user', 'authentication'] as const) diff(`database.${key}`, ...db(key), running ? 'by-hand' : 'deploy', onServers);
  diff('database.passwordVariable', ...db('passwordVariable'), 'deploy', 'by the deploy: the Terraform variable the new hosts read the password from; running servers keep the password they were installed with');
  const placement = (t: ResolvedTopology) => ({ vsphere: t.vsphere, aws: t.aws });
  diff('placement (vsphere / aws block)', placement(deployed), placement(proposed), 'deploy', 'by the deploy, which migrates or replaces VMs for it: review `npx cdktf diff <stack>` first; a replaced HA host is a new install (roll one host at a time)', false);
  diff('network.portGroup', deployed.network.portGroup, proposed.network.portGroup, 'deploy', 'by the deploy, which moves the VMs\' network adapter: review `npx cdktf diff <stack>` first; the VLAN must stay the same (UMS-UPD-005)');
  diff('network.distributedSwitch', deployed.network.distributedSwitch, proposed.network.distributedSwitch, 'deploy', 'by the deploy (the port group is created on the other switch): review `npx cdktf diff <stack>` first');
  diff('networkToken.variable', deployed.networkToken.variable, proposed.networkToken.variable, 'deploy', 'by the deploy: only joining hosts read the token');
  diff('installer', deployed.installer, proposed.installer, 'deploy', 'new and replaced hosts download this installer; running hosts are updated by the version-update runbook (plan-update with a new umsVersion)', false);
  diff('network.adminSshKeys', deployed.network.adminSshKeys, proposed.network.adminSshKeys, running ? 'by-hand' : 'deploy', running ? "new and replaced hosts get the keys; on running hosts edit /root/.ssh/authorized_keys by hand" : 'by the deploy', false);
  diff('firmware.syncViaWebdav', deployed.firmware.syncViaWebdav, proposed.firmware.syncViaWebdav, 'by-hand', 'a UMS setting: UMS Administration > Global Configuration > Universal Firmware Update, "Synchronize downloaded Universal Firmware Updates within UMS WebDAV directories" (seed 003)');
  return out;
}

/** The changes as Markdown lines (update.ts prints them under "Changes"). */
export function renderChanges(changes: readonly TopologyChange[]): string[] {
  if (changes.length === 0) return [];
  const reach: Record<Reach, string> = { deploy: 'by the deploy', 'host-step': 'a step on the hosts', 'by-hand': 'by hand on the running hosts', rebuild: 'a rebuild' };
  return ['## Changes', '', '| change | reaches the hosts | how |', '| --- | --- | --- |', ...changes.map((c) => `| ${c.what.replace(/\|/g, '\\|')} | ${reach[c.reaches]} | ${c.how} |`), ''];
}
