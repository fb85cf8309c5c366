/**
 * The platform registry: what the core, the bootstrap and the app know of a platform, they ask
 * here. A platform is one folder under platforms/ with one entry (`platforms/<name>/index.ts`,
 * free of cdktf) that it registers; platforms/index.ts registers the built-in ones, and the CLI,
 * the cdktf app and the package's entries load that before they read a topology. This file names
 * no platform: a new one (docs/platforms.md, Adding a platform) is an addition, not an edit.
 *
 * Types and register/lookup only. The entry holds data and small functions over the resolved
 * topology; its stack class is loaded on demand (`loadStack`), so `ums-ha validate` and an app of
 * other platforms' files never load its cdktf module or its provider bindings.
 */
import type { ResolvedNode, ResolvedTopology } from '../model/model';
import type { UmsHaTopologyDocument } from '../document/generated/topology-types';
import type { SynthesisRule, TopologyRule } from '../model/rule';

/**
 * A topology's spec as placement reads it: the document's spec, or the resolved topology (which
 * keeps the document's platform blocks as written). A platform reads its own block from it.
 */
export type PlacementSpec = Partial<Omit<UmsHaTopologyDocument['spec'], 'network'>> & {
  readonly platform?: string;
  readonly network: { readonly cidr: string; readonly firstAddress?: string };
};

/** An address range node slots are counted from: a subnet and, optionally, its first address. */
export interface PlacementSubnet {
  readonly cidr: string;
  readonly firstAddress?: string;
}

/** How a platform places nodes and addresses them (cdktf-free; the resolver reads it). */
export interface PlatformPlacement {
  /**
   * The subnets node slots take in turn (one per availability zone on a cloud), or undefined for
   * one pool: network.firstAddress in network.cidr.
   */
  subnets?(spec: PlacementSpec): readonly PlacementSubnet[] | undefined;
  /** Addresses the platform keeps at the start of each of `subnets` (the default first address is past them). */
  readonly reservedLeadingAddresses?: number;
  /** A node's static MAC address from its IPv4 address, when the platform's stack sets one. */
  nodeMac?(address: string): string;
  /**
   * The longest network prefix the platform addresses uniquely (static MACs from the address
   * bits), with the message words of the refusal (UMS-NET-002).
   */
  readonly minPrefixLength?: { readonly prefix: number; readonly why: string };
}

/** Where a node's install script takes its secrets from (bootstrap/scripts/ums-ha-install.sh, UMS_HA_SECRET_SOURCE). */
export type SecretSource = 'guestinfo' | 'aws-ssm';

/** A platform's limit on one node's user data, and the words its refusal uses. */
export interface UserDataLimit {
  readonly maxBytes: number;
  /** What is counted: the gzipped bytes, or their base64 encoding. */
  readonly counted: 'gzip' | 'gzip+base64';
  /** The user data's name in a message; `{node}` is the node's VM name. */
  readonly name: string;
  /** The limit in a message; `{max}` is maxBytes. */
  readonly limit: string;
  /** The metadata is carried beside the user data under the same limit (base64), with its name. */
  readonly metadata?: { readonly name: string };
}

/** The differences of a node's bootstrap on the platform, as data (bootstrap/ reads them). */
export interface PlatformBootstrap {
  readonly secretSource: SecretSource;
  /** Values for the install script's secret settings (UMS_HA_AWS_REGION, ..._PARAMETER), empty when none. */
  secretSettings?(t: ResolvedTopology, node: ResolvedNode): Readonly<Record<string, string>>;
  /** Packages besides the ones every node needs. */
  readonly packages: readonly string[];
  /** cloud-init bootcmd entries of the platform (run on every boot before disk_setup, after the data disk link every node gets), if any. */
  readonly bootcmd?: ReadonlyArray<readonly string[]>;
  /** The HA NIC is configured by its static MAC in the metadata (`static-mac`), or by the platform (`platform`: DHCP on the cloud's network). */
  readonly networkConfig: 'static-mac' | 'platform';
  readonly userData: UserDataLimit;
}

/** How the platform deploys: what the runbooks and the app say about it. */
export interface PlatformDeploy {
  /** The Terraform address of a node's VM or instance, for a targeted apply (a resize). */
  nodeResource(node: ResolvedNode): string;
  /**
   * Where the deployed stack's secrets come from: Terraform variables (in the state; the app warns
   * about local state) or a store the hosts read at boot (nothing secret in the state).
   */
  readonly secretsVia: 'terraform-variables' | 'boot-store';
  /**
   * The sensitive and connection Terraform variables (TF_VAR_<name>) the stack declares for a
   * deploy after the first server, in the order the runbooks check them; none when the stack
   * reads its secrets and credentials elsewhere.
   */
  deployVariables(t: ResolvedTopology): readonly string[];
  /** How a later deploy gets its credentials and secrets, one clause of the runbook ("with ..."). */
  readonly credentials: string;
}

/**
 * The stack class of a platform, as the app constructs it: (app, stack name, props with `topology`,
 * `sourceFile`, `sourceMap`, `deployPhase` and `backend` or `localStatePath`).
 */
export type PlatformStackClass = new (scope: unknown, id: string, props: unknown) => unknown;

/** One platform: everything the rest of the program knows of it. */
export interface PlatformEntry {
  /** The value of spec.platform. */
  readonly name: string;
  /** One line for messages and docs. */
  readonly title: string;
  /** The platform a topology without spec.platform is for (exactly one entry says so). */
  readonly isDefault?: boolean;
  /** UDP broadcast reaches the other hosts of the HA network (IGEL load balancers need it; clouds drop it). */
  readonly broadcast: boolean;
  /** The external load balancer synthesis generates with loadBalancing external, if any. */
  readonly externalLoadBalancer?: 'haproxy' | 'aws-nlb';
  readonly placement?: PlatformPlacement;
  /** The platform's own rules: they run only for topologies of this platform. */
  readonly rules?: ReadonlyArray<TopologyRule | SynthesisRule>;
  /**
   * The first node whose user data would not fit the platform's limit (bootstrap.userData), with
   * the reason in the words synthesis would stop with; undefined when every node's fits.
   */
  userDataProblem?(t: ResolvedTopology): { readonly node: ResolvedNode; readonly problem: string } | undefined;
  readonly bootstrap?: PlatformBootstrap;
  readonly deploy?: PlatformDeploy;
  /** The names of the stack and construct classes; absent for a platform synthesis has no stack for. */
  readonly classes?: { readonly stack: string; readonly construct: string };
  /**
   * The platform's placement section of the sizing report (e.g. each host's zone and instance
   * type), absent when the platform has none.
   */
  placementReport?(t: ResolvedTopology): unknown;
  /** Loads the stack class (and with it cdktf and the provider bindings); only synthesis calls it. */
  loadStack?(): PlatformStackClass;
}

const entries = new Map<string, PlatformEntry>();
const listeners: Array<(entry: PlatformEntry) => void> = [];

/**
 * Registers a platform. Registering the same entry again does nothing; another entry under a
 * registered name, or a second default platform, is refused.
 */
export function registerPlatform(entry: PlatformEntry): void {
  // Checked before the lookup: a name that is not a string (an entry without one) would otherwise
  // pass the pattern as the text "undefined" and be registered under a key no topology names.
  if (entry === null || typeof entry !== 'object') throw new Error(`a platform entry is an object with a name, not ${entry === null ? 'null' : typeof entry}`);
  if (typeof entry.name !== 'string' || !/^[a-z][a-z0-9-]{0,30}$/.test(entry.name)) throw new Error(`platform name ${JSON.stringify(entry.name) ?? String(entry.name)} is not a lower-case name (a-z, 0-9, -, at most 31 characters)`);
  const known = entries.get(entry.name);
  if (known === entry) return;
  if (known) throw new Error(`platform ${entry.name} is already registered`);
  const otherDefault = entry.isDefault ? [...entries.values()].find((e) => e.isDefault) : undefined;
  if (otherDefault) throw new Error(`platform ${entry.name} cannot be the default: ${otherDefault.name} is`);
  entries.set(entry.name, entry);
  try {
    for (const listener of listeners) listener(entry);
  } catch (err) {
    // A listener refused the entry (the rule catalog: a rule id that is taken): not registered.
    entries.delete(entry.name);
    throw err;
  }
}

/** Calls `listener` with every platform registered so far and every one registered later (the rule catalog does). */
export function onPlatformRegistered(listener: (entry: PlatformEntry) => void): void {
  listeners.push(listener);
  for (const entry of entries.values()) listener(entry);
}

/** The entry of a platform, undefined when none is registered under the name. */
export function platformEntry(name: string | undefined): PlatformEntry | undefined {
  return name === undefined ? undefined : entries.get(name);
}

/** Every registered platform, by name. */
export function registeredPlatforms(): readonly PlatformEntry[] {
  return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The platform of a topology without spec.platform. */
export function defaultPlatform(): string {
  const entry = [...entries.values()].find((e) => e.isDefault);
  if (!entry) throw new Error('no default platform is registered: load the platforms first (import "ums-ha" or "ums-ha/core")');
  return entry.name;
}

/** The platforms synthesis builds a stack for, by name. */
export function synthesizedPlatforms(): readonly string[] {
  return registeredPlatforms()
    .filter((e) => e.loadStack !== undefined)
    .map((e) => e.name);
}

/** Names joined for a message: `a, b and c`. */
export function namesList(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
