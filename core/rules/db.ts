/**
 * Database and secret rules. Source for UMS-DB-001: seed 004 (004_f9c19963f33757ec.txt),
 * "Database Systems": "The embedded database cannot be used for an HA network". UMS-DB-004: seed
 * 004, "To ensure maximum process reliability and high availability, IGEL also recommends that the
 * UMS Load Balancer and the database have a redundant design" and "The database is ideally
 * designed as a cluster". UMS-DB-005: seeds 000 and 004 name SQL Server AD Native as an option of
 * SQL Server only. UMS-DB-006 and UMS-DB-007: IGEL's AD native page ("The UMS Server and the UMS
 * Administrator are located in the Windows domain") and Kerberos pages (krb5.conf in
 * <UMS installation directory>/rmguiserver/conf; usable on Linux outside the domain), docs/sources.md.
 * UMS-DB-002 has no IGEL source: a topology file lives in a repository, so
 * secrets must stay out of it.
 */
import { credentialShape } from '../document/credentials';
import { plural } from '../base/findings';
import { join, lastSegment } from '../base/pointer';
import { SEEDS } from '../model/seeds';
import type { DocumentRule, Report, TopologyRule } from '../model/rule';

/** A Terraform variable name as the topology may reference it (also a valid TF_VAR_ suffix). */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Keys whose scalar value is a secret written in the file. */
const SECRET_KEY = /(pass(word|wd|phrase)?|pwd|secret|token|credentials?|api[-_]?key|private[-_]?key|access[-_]?key)$/i;
/** A URL with a password in its user information (scheme://user:password@host). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]*:[^/?#@\s]*@/i;

/** Variable names the stack uses for the vCenter connection. */
const RESERVED_VARIABLES = new Set(['vsphere_server', 'vsphere_user', 'vsphere_password']);

/** The keys that must hold a variable name, and what the variable is for. */
const VARIABLE_KEYS: ReadonlyMap<string, string> = new Map([
  ['/spec/database/passwordVariable', 'the database password'],
  ['/spec/networkToken/variable', 'the IGEL network token'],
]);

function variableHint(pointer: string): string {
  if (pointer.startsWith('/spec/database')) return 'database.passwordVariable';
  if (pointer.startsWith('/spec/networkToken')) return 'networkToken.variable';
  return 'database.passwordVariable or networkToken.variable';
}

function scan(value: unknown, pointer: string, reports: Report[]): void {
  if (typeof value === 'string') {
    if (URL_WITH_PASSWORD.test(value)) {
      reports.push({
        path: pointer,
        message: `${pointer} carries a password in its URL: remove the credentials from the file (and rotate them: they are in the repository history); serve the file from a location the HA VLAN can read without them`,
      });
      return;
    }
    // Credential shapes in any field (credentials.ts): the value is never repeated.
    const shape = credentialShape(value, lastSegment(pointer));
    if (shape !== undefined) {
      reports.push({
        path: pointer,
        message: `${pointer} holds what looks like ${shape}; the value is not shown: remove it from the file (and rotate it: it is in the repository history), keep secrets in sensitive Terraform variables, and serve files from a location the HA VLAN can read without credentials`,
      });
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => scan(v, join(pointer, i), reports));
    return;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = join(pointer, key);
    const purpose = VARIABLE_KEYS.get(path);
    if (purpose !== undefined) {
      if (typeof child === 'string' && !VARIABLE_NAME.test(child)) {
        reports.push({
          path,
          message: `${path} must name the sensitive Terraform variable that holds ${purpose} (letters, digits and _, e.g. UMS_DB_PASSWORD), but it holds something else: if that is the secret itself, remove it (and rotate it: it is in the repository history) and pass it as TF_VAR_<name>`,
        });
      }
      continue;
    }
    if (SECRET_KEY.test(key) && child !== null && typeof child !== 'object') {
      reports.push({
        path,
        key: true,
        message: `${path} writes a secret into the file: remove it (and rotate it: it is in the repository history); keep it in a sensitive Terraform variable and name the variable in ${variableHint(path)}`,
      });
      continue;
    }
    scan(child, path, reports);
  }
}

export const dbRules: readonly (TopologyRule | DocumentRule)[] = [
  {
    id: 'UMS-DB-001',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'No embedded database',
    explanation: 'The embedded database serves a single test server only; an HA network needs one external database that every UMS Server reaches.',
    check({ topology: t }) {
      if (t.database.engine !== 'embedded') return [];
      return [
        {
          path: '/spec/database/engine',
          message: 'the embedded database cannot be used for an HA network: use postgresql, mssql or oracle, one database shared by every server',
        },
      ];
    },
  },
  {
    id: 'UMS-DB-003',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'Secret variables are distinct and not the vCenter connection variables',
    explanation: 'The database password and the network token are different secrets; one variable for both, or a name the stack already uses for the vCenter connection (vsphere_server, vsphere_user, vsphere_password), would hand one secret to the other\'s consumer.',
    check({ doc }) {
      const reports: Report[] = [];
      const db = doc.spec.database.passwordVariable;
      const token = doc.spec.networkToken.variable;
      for (const [path, name] of [['/spec/database/passwordVariable', db], ['/spec/networkToken/variable', token]] as const) {
        if (name !== undefined && RESERVED_VARIABLES.has(name.toLowerCase())) {
          reports.push({ path, message: `${name} is the stack's vCenter connection variable: name the secret variable differently (e.g. UMS_DB_PASSWORD, UMS_NETWORK_TOKEN)` });
        }
      }
      if (db !== undefined && db === token) {
        reports.push({
          path: '/spec/networkToken/variable',
          message: `the network token and the database password both use the variable ${token}: give the token a variable of its own (e.g. UMS_NETWORK_TOKEN)`,
        });
      }
      return reports;
    },
  },
  {
    id: 'UMS-DB-004',
    phase: 'topology',
    severity: 'warning',
    seed: [SEEDS.extensions],
    title: 'The database is redundant, or its single host is accepted with a reason',
    explanation:
      'Every UMS Server of the HA network uses the one database: when its host fails, the whole network stops, however many servers and load balancers run. IGEL recommends a redundant database, ideally a cluster. Name the redundancy (database.redundancy: cluster or replicated), or accept a single host with redundancy: single and singleHostReason.',
    check({ doc, topology: t }) {
      const db = doc.spec.database;
      if (t.database.engine === 'embedded') return [];
      const host = db.host ?? '(no host)';
      if (db.redundancy === undefined) {
        return [
          {
            path: '/spec/database',
            message: `database ${host} is one host with no redundancy named: if it fails, all ${plural(t.servers, 'UMS Server')} stop serving (IGEL recommends a redundant database, ideally a cluster): set database.redundancy: cluster (host is the cluster's listener or virtual name) or replicated, or redundancy: single with singleHostReason`,
          },
        ];
      }
      if (db.redundancy === 'single' && (db.singleHostReason === undefined || db.singleHostReason.trim().length < 20)) {
        return [
          {
            path: '/spec/database/redundancy',
            message: `redundancy: single accepts a database without redundancy, but singleHostReason is missing: say why one host is accepted (at least 20 characters), or set redundancy: cluster or replicated`,
          },
        ];
      }
      return [];
    },
  },
  {
    id: 'UMS-DB-005',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions, SEEDS.updateWithoutDowntime],
    title: 'database.authentication only with SQL Server',
    explanation: 'SQL Server AD Native (Windows / Active Directory authentication) is an option of SQL Server; for another engine the field would promise a logon step that does not exist.',
    check({ doc }) {
      const db = doc.spec.database;
      if (db.authentication === undefined || db.engine === 'mssql') return [];
      return [{ path: '/spec/database/authentication', message: `authentication ${db.authentication} is an option of SQL Server (mssql) only, but engine is ${db.engine}: remove authentication, or set engine: mssql` }];
    },
  },
  {
    id: 'UMS-DB-006',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'No SQL Server AD Native on the Linux hosts ums-ha builds',
    explanation:
      'IGEL\'s AD native setup requires the UMS Server and the UMS Administrator to be located in the Windows domain, and a logon of the IGEL RMGUIServer Windows service on every server host (seeds 000, 004). ums-ha builds Linux hosts that are not domain members. IGEL documents AD authentication via Kerberos for them: authentication kerberos with database.kerberos, and the bootstrap writes krb5.conf.',
    check({ doc }) {
      const db = doc.spec.database;
      if (db.engine !== 'mssql' || db.authentication !== 'ad-native') return [];
      return [
        {
          path: '/spec/database/authentication',
          message: 'authentication ad-native needs the UMS Server and UMS Administrator located in the Windows domain and a Windows service logon, but the hosts are Linux outside the domain: use authentication: kerberos with database.kerberos (realm, kdcs; the bootstrap writes krb5.conf into /opt/IGEL/RemoteManager/rmguiserver/conf), or sql',
        },
      ];
    },
  },
  {
    id: 'UMS-DB-007',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'Kerberos authentication names its realm and KDCs, and only then',
    explanation: 'With authentication kerberos the bootstrap writes krb5.conf from database.kerberos before it activates the data source; without the block there is nothing to write, and the block without kerberos authentication would be a file no one uses.',
    check({ doc }) {
      const db = doc.spec.database;
      if (db.authentication === 'kerberos' && db.kerberos === undefined) {
        return [{ path: '/spec/database', message: 'authentication kerberos needs database.kerberos: the realm (e.g. EXAMPLE.INTERNAL) and kdcs (the domain controllers) for krb5.conf' }];
      }
      if (db.kerberos !== undefined && db.authentication !== 'kerberos') {
        return [{ path: '/spec/database/kerberos', key: true, message: `database.kerberos is used only with authentication: kerberos (authentication is ${db.authentication ?? 'not set'}): set authentication: kerberos, or remove the block` }];
      }
      return [];
    },
  },
  {
    id: 'UMS-DB-002',
    phase: 'document',
    severity: 'error',
    seed: [],
    title: 'No password or token written in the file',
    explanation: 'Topology files are committed and reviewed; a password or network token in them is disclosed to everyone with read access and stays in the history. The file names sensitive Terraform variables instead.',
    check(value) {
      const reports: Report[] = [];
      scan(value, '', reports);
      return reports;
    },
  },
];
