/**
 * The update runbook (`ums-ha plan-update`): the ordered steps from the deployed topology to the
 * proposed one. Sources: seed 004 (004_f9c19963f33757ec.txt): "Updating the Installation of an HA
 * Network" with short downtime (recommended: stop all servers but one, update it, update the rest,
 * then the separate load balancers) and without downtime (one server after another in update mode,
 * the last renews the schema); preparation (installer on every host, orphaned entries, database
 * backup, time sync); checks (processes, Datasource, UMS Network: updated, running, normal mode;
 * UMS HA Health Check); services (igel-ums-watchdog, igel-ums-broker, igel-ums-server). Seed 000
 * (000_18dbf9d1c373b09f.txt) and seed 001 (001_de5c957648566345.txt): update mode, downgrades only
 * within one major.minor. Seed 002 (002_c6ce0ee242701b9d.txt): further servers join with the same
 * token, database and VLAN, and the same UMS version; the current network token, and when it was
 * not saved: restart the IGEL RMGUIServer service and use the token it creates at startup,
 * /root/IGEL-Network.token on Linux. Seed 000 and 004: distribute the installer "to all systems
 * with UMS components (UMS Server, UMS Load Balancer, UMS Consoles)"; after the servers update the
 * other components, the UMS Consoles too ("You cannot connect to the UMS Server with a console
 * version that is older than the version of the UMS Server"), in every layout (SQL Server AD Native
 * and its Windows service logon do not apply: the hosts are Linux, UMS-DB-006). Seed 004: register
 * the UMS for OS 12 devices after the installation; the Health Check results that may be ignored
 * without IGEL load balancers. Seed 003 (003_a4f0301adabc394b.txt): the firmware synchronization
 * setting and its Synchronization Status. Rollback and the backup's purpose: seed 004 ("Preparing
 * the Update": downgrades only within one major.minor, otherwise a separate HA network with the backup
 * of that schema). Time: seeds 000, 002, 004 (every component; restart the HA services after a manual
 * time reset). Local files to back up beside the database: IGEL's "Installation and Sizing
 * Guidelines" (docs/sources.md).
 */
import * as path from 'node:path';
import { planTopologyChanges, renderChanges, type TopologyChange } from './change-plan';
import { compareFindings, type Finding } from '../base/findings';
import { MAX_NODE_CLOCK_ERROR_SECONDS } from '../model/clock';
import { expectedUnits } from '../network/matrix';
import { healthCheckExpectations } from './report';
import type { ResolvedNode, ResolvedTopology } from '../model/model';
import { updateRules, type UpdateMethod } from '../rules';
import { compareVersions } from '../rules/upd';
import { hasClusterAddressSetting } from '../rules/ver';
import { NO_SOURCE, type SourceMap } from '../document/source';
import { shellQuote } from '../base/shell';
import { platformEntry } from '../platform/registry';
import { numberSteps, type RunbookStep, type StepDraft } from './runbook';

export type { RunbookStep } from './runbook';

export interface UpdatePlan {
  readonly topology: string;
  readonly from: string;
  readonly to: string;
  readonly method: UpdateMethod;
  /** version-update, downgrade, topology-change, no-change, or refused (an error finding). */
  readonly kind: 'version-update' | 'downgrade' | 'topology-change' | 'no-change' | 'refused';
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Every topology change and how it reaches the hosts (change-plan.ts). */
  readonly changes: readonly TopologyChange[];
  readonly findings: readonly Finding[];
  readonly steps: readonly RunbookStep[];
  readonly rollback: readonly string[];
}

const names = (nodes: readonly ResolvedNode[]) => nodes.map((n) => n.vmName);
const isServer = (n: ResolvedNode) => n.roles.includes('server');

/** "12.07" of "12.07.100": the database schema follows it (seeds 001 and 004). */
function majorMinorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/**
 * What IGEL names beside the database for a backup (IGEL "Installation and Sizing Guidelines", UMS
 * Server Backups, Local Files; docs/sources.md): the transfer files and, from UMS 12, the OS 12 app
 * packages of the local Web Proxy, under the installation directory of every server.
 */
export const LOCAL_BACKUP_DIRS = ['/opt/IGEL/RemoteManager/rmguiserver/webapps/ums_filetransfer', '/opt/IGEL/RemoteManager/rmguiserver/persistent/ums-appproxy'] as const;

function localBackupDetails(): string[] {
  return [
    `On every UMS Server, back up what IGEL names beside the database: ${LOCAL_BACKUP_DIRS[0]} (transfer files: Universal Firmware Updates, wallpapers, icons, certificates) and, from UMS 12, ${LOCAL_BACKUP_DIRS[1]} (OS 12 app packages of the local Web Proxy). Keep the backups off the server hosts.`,
  ];
}

/** What the backup of step 1 is for, in this change (seed 004, "Preparing the Update": warning). */
function backupPurpose(from: string, to: string, versionChange: number, acrossMinor: boolean): string {
  if (versionChange === 0) {
    return `The version stays ${from}, so the schema does not change: the backup is the restore point of the data if a host that joins or leaves damages it; the topology itself is rolled back by a deploy (see Rollback).`;
  }
  if (acrossMinor) {
    return `Keep it until the update is verified: ${to} renews the schema to ${majorMinorOf(to)}, and going back to ${from} then needs a separate HA network with this backup of the ${majorMinorOf(from)} schema restored (see Rollback); it is the only way back.`;
  }
  return `Keep it until the update is verified: within ${majorMinorOf(from)} the schema stays, so ${from} can be installed again; the backup restores the data if the change damaged it (see Rollback).`;
}

/** Seed 004 and 002: after a manual time reset, the HA services of that host are restarted. */
function timeResetDetails(kept: readonly ResolvedNode[]): string[] {
  const byUnits = new Map<string, string[]>();
  for (const n of kept) {
    const units = expectedUnits(n).join(' ');
    byUnits.set(units, [...(byUnits.get(units) ?? []), n.vmName]);
  }
  return [
    'After a manual time reset on a host, restart its HA services before going on (IGEL: "After each manual time reset, the HA services on the relevant server must be restarted"):',
    ...[...byUnits].map(([units, hosts]) => `${hosts.join(', ')}: sudo systemctl restart ${units}`),
  ];
}

/** Seeds 000 and 004: "See also Load Balancer Is Not Stopping during the Update of the HA Installation". */
const LB_NOT_STOPPING = 'A load balancer that does not stop during its update: see IGEL\'s "Load Balancer Is Not Stopping during the Update of the HA Installation" (seeds 000, 004).';
const lbPointer = (...hosts: ReadonlyArray<ResolvedNode | undefined>) => (hosts.some((n) => n?.roles.includes('loadBalancer')) ? [LB_NOT_STOPPING] : []);

/**
 * Rollback of a version change, as the change allows it. Seed 004 (004_f9c19963f33757ec.txt),
 * "Preparing the Update", Warning: downgrades only within one major.minor, because the schema follows
 * it; to an older major.minor only through a separate HA network with the backup of that schema
 * restored. The separate network's servers join as seed 002 (002_c6ce0ee242701b9d.txt) describes.
 */
function rollbackSteps(deployed: ResolvedTopology, acrossMinor: boolean): string[] {
  const v = deployed.umsVersion;
  if (!acrossMinor) {
    return [
      `Within ${majorMinorOf(v)} the schema is the same: install ${v} again on every host with the same procedure (servers first, then the separate load balancers and the UMS Consoles).`,
      'If the data changed and must go back too: stop every UMS Server, restore the backup of step 1 into the database, start the servers again.',
      'Check as in the verify steps: every component runs, in normal mode, UMS Administrator > Datasource shows the database active.',
    ];
  }
  return [
    `The updated network cannot go back: its schema is no longer ${majorMinorOf(v)}, and UMS ${v} cannot be installed over it.`,
    `Create a new, empty database for a separate HA network and restore the backup of step 1 (the ${majorMinorOf(v)} schema) into it.`,
    `Build the separate HA network with UMS ${v}: the deployed topology under another name, on its own hosts and addresses, its database settings pointing at the restored database, with a new network token.`,
    'On its first server, check UMS Administrator > Datasource: the restored database is active; then the further servers join it (seed 002).',
    `Point the devices to the separate network (the igelrmserver DNS name or DHCP option 224${hasClusterAddressSetting(v) && deployed.loadBalancing === 'external' ? ', and its Cluster Address' : ''}), check it as in the verify steps, then stop and remove the updated network.`,
  ];
}

/** Where the runbook's commands find things on the operator's machine. */
export interface UpdatePlanOptions {
  /**
   * The deployed and the proposed file as the operator names them. The deploy synthesizes the
   * proposed file's folder (UMS_TOPOLOGY_DIR); the deployed copy must not be in it (two files with
   * one metadata.name: UMS-NET-004). The rollback puts the deployed file in the proposed one's place.
   * @default - topologies/<name>.yaml for both
   */
  readonly files?: { readonly from: string; readonly to: string };
}

/**
 * The deploy of `t` after its first server as one command line: a check that every TF_VAR_*
 * variable the stack declares is set (the shell stops with its name otherwise: the vCenter
 * connection, the database password, the network token), UMS_TOPOLOGY_DIR and the stack.
 */
export function deployCommands(t: ResolvedTopology, topologyDir: string): string[] {
  // The platform's stack declares them (platforms/<name>/index.ts, deploy.deployVariables).
  const variables = platformEntry(t.platform)?.deploy?.deployVariables(t) ?? [];
  return [
    ...(variables.length > 0 ? [`: ${variables.map((v) => `"\${TF_VAR_${v}:?}"`).join(' ')}`] : []),
    `UMS_TOPOLOGY_DIR=${shellQuote(topologyDir)} npx cdktf deploy ${t.name}`,
  ];
}

/** The commands that put the current network token into TF_VAR_<variable>, from a running server by its address. */
function tokenCommands(t: ResolvedTopology, server: ResolvedNode | undefined): string[] {
  const host = server ? (server.ip ?? server.vmName) : '<a running server>';
  return [
    `export TF_VAR_${t.networkToken.variable}="$(ssh root@${host} cat /root/IGEL-Network.token)"`,
    `# not saved: ssh root@${host} systemctl restart igel-ums-server, then read /root/IGEL-Network.token as above`,
  ];
}

/** What every procedure of the runbook reads: the two topologies and how they differ. */
interface UpdateContext {
  readonly deployed: ResolvedTopology;
  readonly proposed: ResolvedTopology;
  readonly method: UpdateMethod;
  readonly findings: readonly Finding[];
  readonly added: readonly ResolvedNode[];
  readonly removed: readonly ResolvedNode[];
  /** The nodes in both topologies, as the proposed one declares them. */
  readonly kept: readonly ResolvedNode[];
  /** The kept servers in the proposed order: the first is updated first, the last renews the schema. */
  readonly servers: readonly ResolvedNode[];
  /** The kept load balancers without a server on their host (the separate load balancers). */
  readonly lbOnly: readonly ResolvedNode[];
  /** The proposed version against the deployed one: negative, 0 (the same) or positive. */
  readonly versionChange: number;
  /** Whether the version leaves its major.minor, and with it the database schema (seeds 001, 004). */
  readonly acrossMinor: boolean;
  /** The installer's file name on the hosts. */
  readonly installer: string;
  /** The folder of the proposed file, which the deploy synthesizes (UMS_TOPOLOGY_DIR). */
  readonly topologyDir: string;
}

/** The update rules (UMS-UPD-*, UMS-VER-*) on the pair, at their positions in the proposed file, sorted. */
function updateFindings(deployed: ResolvedTopology, proposed: ResolvedTopology, method: UpdateMethod, source: SourceMap): Finding[] {
  const findings: Finding[] = [];
  for (const rule of updateRules) {
    for (const r of rule.check({ deployed, proposed, method })) {
      const pos = source.locate(r.path);
      findings.push({ ruleId: rule.id, severity: rule.severity, message: r.message, path: r.path, line: pos.line, column: pos.column });
    }
  }
  findings.sort(compareFindings);
  return findings;
}

function updateContext(deployed: ResolvedTopology, proposed: ResolvedTopology, method: UpdateMethod, findings: readonly Finding[], topologyDir: string): UpdateContext {
  const deployedNames = new Set(deployed.nodes.map((n) => n.name));
  const proposedNames = new Set(proposed.nodes.map((n) => n.name));
  const kept = proposed.nodes.filter((n) => deployedNames.has(n.name));
  const versionChange = compareVersions(proposed.umsVersion, deployed.umsVersion);
  return {
    deployed,
    proposed,
    method,
    findings,
    added: proposed.nodes.filter((n) => !deployedNames.has(n.name)),
    removed: deployed.nodes.filter((n) => !proposedNames.has(n.name)),
    kept,
    servers: kept.filter(isServer),
    lbOnly: kept.filter((n) => !isServer(n)),
    versionChange,
    acrossMinor: versionChange !== 0 && majorMinorOf(deployed.umsVersion) !== majorMinorOf(proposed.umsVersion),
    installer: `setup-igel-ums-linux_${proposed.umsVersion}.bin`,
    topologyDir,
  };
}

/**
 * The update runbook: the procedures of the seeds in their order, each one function below (prepare:
 * backup, installer, orphaned entries, time; the removal of hosts; the update of the servers in the
 * method's stop order, then the separate load balancers and the Consoles; the network token and the
 * deploy of a topology change; the checks), and the rollback the change allows.
 */
export function planUpdate(deployed: ResolvedTopology, proposed: ResolvedTopology, method: UpdateMethod, source: SourceMap = NO_SOURCE, options: UpdatePlanOptions = {}): UpdatePlan {
  const files = options.files ?? { from: `topologies/${deployed.name}.yaml`, to: `topologies/${proposed.name}.yaml` };
  const findings = updateFindings(deployed, proposed, method, source);
  const c = updateContext(deployed, proposed, method, findings, path.dirname(files.to));
  const change = planTopologyChanges(deployed, proposed, c.topologyDir);
  const base = { topology: proposed.name, from: deployed.umsVersion, to: proposed.umsVersion, method, added: names(c.added), removed: names(c.removed), changes: change.changes, findings };

  if (findings.some((f) => f.severity === 'error')) {
    return { ...base, kind: 'refused', steps: [], rollback: [] };
  }
  if (c.versionChange === 0 && change.changes.length === 0) {
    return { ...base, kind: 'no-change', steps: [], rollback: [] };
  }
  const steps = numberSteps([
    backupStep(c),
    ...installerSteps(c),
    orphanedEntriesStep(c),
    timeStep(c),
    ...change.removal,
    ...serverUpdateSteps(c),
    ...loadBalancerUpdateSteps(c),
    ...consoleUpdateSteps(c),
    ...tokenSteps(c),
    ...change.beforeDeploy,
    ...deploySteps(c),
    ...checkSteps(c),
    healthCheckStep(c),
  ]);
  const rollback = c.versionChange === 0 ? topologyRollback(deployed, c.added, c.removed, c.servers[0], files) : rollbackSteps(deployed, c.acrossMinor);
  return { ...base, kind: c.versionChange < 0 ? 'downgrade' : c.versionChange > 0 ? 'version-update' : 'topology-change', steps, rollback };
}

/**
 * Backup. Seed 004 (004_f9c19963f33757ec.txt), "Preparing the Update", step 3: "Create a backup of
 * your database before starting the update installation. Use the backup procedures recommended by
 * the DBMS manufacturer", and its Warning (what the backup is for: backupPurpose). The local files
 * beside the database: IGEL's "Installation and Sizing Guidelines" (LOCAL_BACKUP_DIRS).
 */
function backupStep(c: UpdateContext): StepDraft {
  const db = c.deployed.database;
  return {
    phase: 'prepare',
    title: 'Back up the database and the servers\' local files',
    hosts: names(c.servers),
    details: [
      `Back up ${db.engine} database ${db.name ?? ''} on ${db.host ?? ''}:${db.port ?? ''} with the DBMS's own backup procedure, before anything else.`,
      ...localBackupDetails(),
      backupPurpose(c.deployed.umsVersion, c.proposed.umsVersion, c.versionChange, c.acrossMinor),
    ],
    commands: [],
    check: 'the backup is complete and can be restored',
  };
}

/**
 * Installer distribution. Seed 004 (004_f9c19963f33757ec.txt), "Preparing the Update", step 1, and
 * seed 000 (000_18dbf9d1c373b09f.txt), "Preparing the Update": "distribute the installer file to all
 * systems with UMS components (UMS Server, UMS Load Balancer, UMS Console)". Only for a new version.
 */
function installerSteps(c: UpdateContext): StepDraft[] {
  if (c.versionChange === 0) return [];
  const { proposed, installer } = c;
  // A checksum kept from the deployed file (UMS-UPD-007) is not printed as if it were the new file's.
  const sha256 = c.findings.some((f) => f.ruleId === 'UMS-UPD-007') ? `<sha256 of ${installer}>` : (proposed.installer.sha256 ?? '<sha256>');
  return [
    {
      phase: 'prepare',
      title: `Put the ${proposed.umsVersion} installer on every system with UMS components`,
      hosts: names(c.kept),
      details: [
        `Download ${proposed.installer.url} and verify it against installer.sha256 of the proposed topology.`,
        'Every system with UMS components gets it: the UMS Servers and Load Balancers listed here, and every machine with a UMS Console installed on its own (administrators\' workstations, a separate Console host; the topology does not list them).',
      ],
      commands: [`curl -fsSLo ${installer} '${proposed.installer.url}'`, `echo '${sha256}  ${installer}' | sha256sum -c -`],
      check: `${installer} is on every host and on every UMS Console machine, and its checksum matches`,
    },
  ];
}

/**
 * Orphaned entries. Seed 004 (004_f9c19963f33757ec.txt), "Preparing the Update", step 2: check under
 * UMS Administration > UMS Network that the listed components really exist, delete orphaned entries.
 */
function orphanedEntriesStep(c: UpdateContext): StepDraft {
  return {
    phase: 'prepare',
    title: 'Remove orphaned entries from the UMS Network list',
    hosts: [],
    details: [
      'In the UMS Console, UMS Administration > UMS Network: check that every listed server and load balancer exists; delete orphaned entries.',
      ...(c.removed.length > 0 ? [`The hosts this change removes (${names(c.removed).join(', ')}) are removed in the topology step; delete their entries once they are stopped.`] : []),
    ],
    commands: [],
    check: `the list shows exactly: ${names(c.kept).concat(names(c.removed)).join(', ')}`,
  };
}

/**
 * Time. Seed 004 (004_f9c19963f33757ec.txt), "Preparing the Update", step 4 and its note (no more
 * than one minute between the servers; restart the HA services after a manual time reset), the same
 * in seed 000 (000_18dbf9d1c373b09f.txt) and seed 002 (002_c6ce0ee242701b9d.txt), "Prerequisites".
 */
function timeStep(c: UpdateContext): StepDraft {
  return {
    phase: 'prepare',
    title: 'Check the time on every HA component',
    hosts: names(c.kept),
    details: [
      'The UMS Servers and Load Balancers must not differ by more than one minute (between any two; the UMS HA Health Check reports time skew between components).',
      `Each host must be within ${MAX_NODE_CLOCK_ERROR_SECONDS} s of NTP time (offset plus chrony's error bound), so any two are within the minute.`,
      ...timeResetDetails(c.kept),
    ],
    commands: ['sudo ums-ha-preflight --only=clock'],
    check: `every server and load balancer reports ok: within ${MAX_NODE_CLOCK_ERROR_SECONDS} s of NTP time`,
  };
}

/**
 * The update of the servers in the stop order of the method (nothing when the version stays). Seed
 * 004 (004_f9c19963f33757ec.txt), "Updating the Installation of an HA Network": "With Short Downtime"
 * (recommended) or "Without Downtime".
 */
function serverUpdateSteps(c: UpdateContext): StepDraft[] {
  if (c.versionChange === 0) return [];
  return c.method === 'short-downtime' ? shortDowntimeServerSteps(c) : noDowntimeServerSteps(c);
}

/**
 * Stop order with short downtime. Seed 004 (004_f9c19963f33757ec.txt), "Updating HA Installation:
 * With Downtime of the Servers", "Updating UMS Servers", steps 1 and 2: stop all UMS Servers except
 * the one the update starts on, and verify it (UMS Network, or the SQL statement on epr_processes).
 */
function stopAllButOneStep(first: ResolvedNode, others: readonly ResolvedNode[]): StepDraft {
  return {
    phase: 'update',
    title: `Stop every UMS Server except ${first.vmName}`,
    hosts: names(others),
    details: ['Only one server may run when the update starts; it then updates the productive database directly (no temporary copy).'],
    commands: ['sudo systemctl stop igel-ums-watchdog igel-ums-server'],
    check: `UMS Administration > UMS Network > Server shows only ${first.vmName} running (or, in the database: select epr_process_host, epr_service_status from epr_processes where epr_process_type = 'UMS_RMGUISEVER' shows SERVICE_RUNNING for ${first.vmName} only)`,
  };
}

/**
 * Server update with short downtime. Seed 004 (004_f9c19963f33757ec.txt), "Updating UMS Servers"
 * (with downtime): the stop order (stopAllButOneStep), steps 3 to 12 on the one running server (/root
 * writable; it updates the database when it starts; check updated, running, normal mode), step 13:
 * the remaining servers, "either simultaneously or one after another".
 */
function shortDowntimeServerSteps(c: UpdateContext): StepDraft[] {
  const [first, ...others] = c.servers;
  if (!first) return [];
  const updateFirst: StepDraft = {
    phase: 'update',
    title: `Update ${first.vmName}`,
    hosts: [first.vmName],
    details: [`Run the installer with the same components (${first.roles.join(' + ')}); /root must be writable. The server updates the productive database when it starts.`, ...lbPointer(first)],
    commands: [`sudo sh ./${c.installer}`],
    check: `UMS Network shows ${first.vmName} updated, running, in normal mode`,
  };
  if (others.length === 0) return [stopAllButOneStep(first, others), updateFirst];
  const updateOthers: StepDraft = {
    phase: 'update',
    title: 'Update the remaining UMS Servers',
    hosts: names(others),
    details: ['At once or one after another; after the update they start and connect to the productive database.', ...lbPointer(...others)],
    commands: [`sudo sh ./${c.installer}`],
    check: 'UMS Network shows every server updated, running, in normal mode',
  };
  return [stopAllButOneStep(first, others), updateFirst, updateOthers];
}

/**
 * Server update without downtime. Seed 000 (000_18dbf9d1c373b09f.txt) and seed 004
 * (004_f9c19963f33757ec.txt), "Updating HA Installation: Without Downtime of the Servers": "Updating
 * the First UMS Servers" one after another in update mode (a local copy of the database; changes in
 * the UMS Console are lost), then "Updating the Last UMS Server", which renews the schema.
 */
function noDowntimeServerSteps(c: UpdateContext): StepDraft[] {
  const steps: StepDraft[] = [];
  const last = c.servers[c.servers.length - 1];
  const before = c.servers.slice(0, -1);
  if (before.length > 0) {
    steps.push({
      phase: 'update',
      title: 'Update the UMS Servers one after another, all but the last',
      hosts: names(before),
      details: [
        'Each server switches to update mode and serves devices from a local copy of the database (embedded Derby); confirm "n of m servers updated".',
        'Make no changes in the UMS Console until the last server is done: they are lost.',
        ...lbPointer(...before),
      ],
      commands: [`sudo sh ./${c.installer}`],
      check: 'each server reports "n of m servers updated" before the next one starts',
    });
  }
  if (last) {
    steps.push({
      phase: 'update',
      title: `Update the last UMS Server, ${last.vmName}`,
      hosts: [last.vmName],
      details: ['It renews the schema of the productive database; the other servers leave update mode, restart and reconnect to it.', ...lbPointer(last)],
      commands: [`sudo sh ./${c.installer}`],
      check: 'UMS Network shows every server updated, running, in normal mode',
    });
  }
  return steps;
}

/**
 * Load balancer update. Seed 004 (004_f9c19963f33757ec.txt) and seed 000 (000_18dbf9d1c373b09f.txt),
 * "Updating Further Components": after the servers, the separate UMS Load Balancers ("able to
 * interoperate with UMS Servers of newer versions, but they should have the same version").
 */
function loadBalancerUpdateSteps(c: UpdateContext): StepDraft[] {
  if (c.versionChange === 0 || c.lbOnly.length === 0) return [];
  return [
    {
      phase: 'update',
      title: 'Update the separate UMS Load Balancers',
      hosts: names(c.lbOnly),
      details: ['After all servers: load balancers work with newer servers, but should run the same version.', LB_NOT_STOPPING],
      commands: [`sudo sh ./${c.installer}`],
      check: 'UMS Network shows every load balancer updated and running',
    },
  ];
}

/**
 * Console update. Seed 004 (004_f9c19963f33757ec.txt), "Updating Further Components": "You cannot
 * connect to the UMS Server with a console version that is older than the version of the UMS Server."
 */
function consoleUpdateSteps(c: UpdateContext): StepDraft[] {
  if (c.versionChange === 0) return [];
  const version = c.proposed.umsVersion;
  return [
    {
      phase: 'update',
      title: 'Update the UMS Consoles',
      hosts: [],
      details: [
        `After the servers: a UMS Console older than the UMS Server cannot connect to it. Run the ${version} installer on every machine with a UMS Console installed on its own (administrators' workstations, a separate Console host); the Consoles on the server hosts were updated with them.`,
      ],
      commands: [],
      check: `every UMS Console starts as ${version} and connects`,
    },
  ];
}

/**
 * Network token. Seed 002 (002_c6ce0ee242701b9d.txt), "Preparing the IGEL Network Token": a further
 * server uses the current token of the running network; when it was not saved, restart the IGEL
 * RMGUIServer service and use the token it creates at startup, /root/IGEL-Network.token on Linux.
 * Seed 004 (004_f9c19963f33757ec.txt), "Saving the IGEL Network Token".
 */
function tokenSteps(c: UpdateContext): StepDraft[] {
  const { added, removed, proposed } = c;
  // A shrink's deploy needs the token as well where the stack takes the secrets as Terraform
  // variables (vSphere declares it for every deploy after the first server); not where the hosts
  // read them from the platform's own store.
  if (!(added.length > 0 || (removed.length > 0 && platformEntry(proposed.platform)?.deploy?.secretsVia !== 'boot-store'))) return [];
  return [
    {
      phase: 'topology',
      title: 'Get the current IGEL network token',
      hosts: [],
      details: [
        ...(added.length > 0
          ? ['Joining hosts must use the current network token of the running HA network, not a new one (a different token splits the network).']
          : [`The deploy needs it although no host joins: the stack declares TF_VAR_${proposed.networkToken.variable} for every deploy after the first server.`]),
        'If it was not saved: restart the IGEL RMGUIServer service on a running server and use the token it creates at startup, /root/IGEL-Network.token (Linux).',
      ],
      commands: tokenCommands(proposed, c.servers[0]),
      check: `TF_VAR_${proposed.networkToken.variable} holds the token of the running network`,
    },
  ];
}

/**
 * Deploy of a topology change. Seed 002 (002_c6ce0ee242701b9d.txt), "Introduction" and
 * "Prerequisites": further servers join with the same network token, the same database, on the same
 * VLAN, with the same UMS version; seed 000 (000_18dbf9d1c373b09f.txt): removed hosts leave the UMS
 * Network list (change-plan.ts, before this step).
 */
function deploySteps(c: UpdateContext): StepDraft[] {
  const { added, removed, proposed } = c;
  if (!(added.length > 0 || removed.length > 0)) return [];
  return [
    {
      phase: 'topology',
      title: 'Deploy the proposed topology',
      hosts: [],
      details: [
        ...(added.length > 0
          ? [`Adds ${names(added).join(', ')}: installs UMS ${proposed.umsVersion} (the version of the network) and joins with the current network token and the same database, on the HA VLAN ${proposed.network.vlanId}.`]
          : []),
        ...(removed.length > 0 ? [`Destroys ${names(removed).join(', ')}.`] : []),
        `From the folder of the proposed topology, ${
          platformEntry(proposed.platform)?.deploy?.credentials ?? 'with the credentials of the first deploy'
        }; the deployed copy must not be in that folder (two files with one metadata.name: UMS-NET-004).`,
      ],
      commands: deployCommands(proposed, c.topologyDir),
      check: [
        ...(added.length > 0 ? [`${names(added).join(', ')} ${added.length === 1 ? 'reports' : 'each report'} "installed" in /var/log/ums-ha-install.log and ${added.length === 1 ? 'appears' : 'appear'} in UMS Network`] : []),
        ...(removed.length > 0 ? [`${names(removed).join(', ')} ${removed.length === 1 ? 'is' : 'are'} destroyed (no longer in the vSphere or EC2 inventory) and UMS Network lists exactly: ${names(c.kept).concat(names(added)).join(', ')}`] : []),
      ].join('; '),
    },
  ];
}

/**
 * Checks. Seed 004 (004_f9c19963f33757ec.txt), "Checking the Installation": every process runs ("IGEL
 * UMS HA Services and Processes"), UMS Network shows every server and load balancer updated, running,
 * in normal mode; seed 000 (000_18dbf9d1c373b09f.txt) and seed 001 (001_de5c957648566345.txt),
 * "Checking the Installation": Datasource, a server left in update mode. Seed 004: register the UMS
 * for OS 12 devices. Seed 003 (003_a4f0301adabc394b.txt): the firmware synchronization status.
 */
function checkSteps(c: UpdateContext): StepDraft[] {
  const { proposed } = c;
  const addedServers = c.added.filter(isServer);
  const steps: StepDraft[] = [
    {
      phase: 'verify',
      title: 'Check the processes on every host',
      hosts: names(proposed.nodes),
      details: proposed.nodes.map((n) => `${n.vmName}: ${expectedUnits(n).join(', ')}`),
      commands: ['systemctl is-active igel-ums-watchdog igel-ums-broker igel-ums-server'],
      check: 'each host runs the units of its roles',
    },
    {
      phase: 'verify',
      title: 'Check the data source and the UMS Network',
      hosts: [],
      details: [
        'UMS Administrator > Datasource: the database is active.',
        ...(c.method === 'no-downtime' ? ['A server that did not reconnect: switch its data source to the productive database, or use End update mode for local UMS Server (UMS Administrator > Distributed UMS).'] : []),
        'UMS Console > UMS Administration > UMS Network: every server and load balancer updated, running, in normal mode.',
      ],
      commands: [],
      check: 'all components in normal mode on the productive database',
    },
  ];
  if (proposed.deviceOs.includes('os12')) {
    steps.push({
      phase: 'verify',
      title: 'Check the UMS registration for IGEL OS 12',
      hosts: [],
      details: ['IGEL OS 12 devices can only be managed by a registered UMS: register the UMS after the installation if it is not (IGEL: "Registering the IGEL UMS").'],
      commands: [],
      check: 'the UMS is registered and OS 12 devices connect',
    });
  }
  if (proposed.firmware.syncViaWebdav && proposed.servers >= 2) {
    steps.push({
      phase: 'verify',
      title: 'Check the firmware synchronization',
      hosts: [],
      details: [
        'UMS Console > UMS Administration > Global Configuration > Universal Firmware Update: "Synchronize downloaded Universal Firmware Updates within UMS WebDAV directories" is active.',
        `Universal Firmware Update > Synchronization Status of each update lists every server${addedServers.length > 0 ? `, ${names(addedServers).join(', ')} too (a server that was unreachable is synchronized within 5 minutes)` : ''}.`,
      ],
      commands: [],
      check: 'every server holds every firmware update',
    });
  }
  return steps;
}

/**
 * Health check. Seed 004 (004_f9c19963f33757ec.txt), "UMS HA Health Check - Analyse Your IGEL UMS
 * High Availability and Distributed UMS Systems": which checks pass, and which may be ignored without
 * IGEL load balancers (healthCheckExpectations, report.ts).
 */
function healthCheckStep(c: UpdateContext): StepDraft {
  const { proposed } = c;
  return {
    phase: 'verify',
    title: 'Run the UMS HA Health Check',
    hosts: [],
    details: ['UMS Console > Help > UMS HA Health Check.', ...healthCheckExpectations(proposed)],
    commands: [],
    check: proposed.loadBalancing === 'igel' && proposed.layout !== 'separate' ? 'no failed check' : 'WebDav passes; the checks named above as not expected to pass are the only failures',
  };
}

/**
 * Rollback of a topology change: the hosts it added are drained, stopped and deleted from the UMS
 * Network list before the deployed topology's deploy destroys them (as the shrink steps do; seed 004,
 * 004_f9c19963f33757ec.txt, "Preparing the Update", step 2: no orphaned entries), and the hosts it
 * removed join again with the current network token (seed 002, 002_c6ce0ee242701b9d.txt).
 */
function topologyRollback(deployed: ResolvedTopology, added: readonly ResolvedNode[], removed: readonly ResolvedNode[], server: ResolvedNode | undefined, files: { readonly from: string; readonly to: string }): string[] {
  const out = ['Nothing to roll back in the software: undo the topology change by deploying the deployed topology again, as follows.'];
  for (const n of added) {
    out.push(`Drain and stop ${n.vmName} first (start no firmware download, job or update on it): on ${n.vmName}, \`sudo systemctl stop ${[...expectedUnits(n)].reverse().join(' ')}\`; then delete its entry from UMS Console > UMS Administration > UMS Network.`);
  }
  if (removed.length > 0) {
    out.push(`${names(removed).join(', ')} join again: set the current network token, \`${tokenCommands(deployed, server)[0]}\`.`);
  }
  out.push(`Put the deployed file back in the proposed one's place and deploy it: \`${[`cp ${shellQuote(files.from)} ${shellQuote(files.to)}`, ...deployCommands(deployed, path.dirname(files.to))].join(' && ')}\`.`);
  return out;
}

export function renderUpdateMarkdown(p: UpdatePlan, files: { from: string; to: string }): string {
  const out: string[] = [`# Update runbook: ${p.topology}`, ''];
  out.push(`From UMS ${p.from} (${files.from}) to UMS ${p.to} (${files.to}), method: ${p.method === 'short-downtime' ? 'with short downtime (recommended)' : 'without downtime'}.`, '');
  if (p.added.length > 0) out.push(`Adds: ${p.added.join(', ')}.`);
  if (p.removed.length > 0) out.push(`Removes: ${p.removed.join(', ')}.`);
  if (p.added.length > 0 || p.removed.length > 0) out.push('');
  out.push(...renderChanges(p.changes));
  if (p.findings.length > 0) {
    out.push('## Findings', '');
    for (const f of p.findings) out.push(`- **${f.severity}** \`${f.ruleId}\`: ${f.message}`);
    out.push('');
  }
  if (p.kind === 'refused') {
    out.push('**Refused:** this change cannot be made by an update (see the errors above).', '');
    return out.join('\n');
  }
  if (p.kind === 'no-change') {
    out.push('Nothing to do: the version and the hosts are the same.', '');
    return out.join('\n');
  }
  out.push('## Steps', '');
  for (const s of p.steps) {
    out.push(`### ${s.n}. ${s.title}`, '');
    if (s.hosts.length > 0) out.push(`On: ${s.hosts.join(', ')}`, '');
    for (const d of s.details) out.push(`- ${d}`);
    if (s.commands.length > 0) out.push('', '```sh', ...s.commands, '```');
    if (s.check) out.push('', `Check: ${s.check}.`);
    out.push('');
  }
  out.push('## Rollback', '');
  if (p.rollback.length === 1) out.push(`- ${p.rollback[0]}`);
  else p.rollback.forEach((r, i) => out.push(`${i + 1}. ${r}`));
  out.push('');
  return out.join('\n');
}
