/**
 * The IGEL documents every domain rule rests on, by file name (kept in docs/sources.md).
 * A rule's `seed` lists the ones it encodes.
 */
export const SEEDS = {
  /** UMS Extensions manual: HA overview, configuration options and sizing, requirements, installation, update, health check, services. */
  extensions: '004_f9c19963f33757ec.txt',
  /** Updating an HA installation without downtime (update mode, the last server renews the schema). */
  updateWithoutDowntime: '000_18dbf9d1c373b09f.txt',
  /** The same in German, with the UMS 12 communication ports and the downgrade rule. */
  updateWithoutDowntimeDe: '001_de5c957648566345.txt',
  /** Adding further servers to an HA network (same token, database and VLAN; 6155/61616; time sync). */
  furtherServers: '002_c6ce0ee242701b9d.txt',
  /** Which files are synchronized between UMS servers (WebDAV firmware sync). */
  fileSync: '003_a4f0301adabc394b.txt',
} as const;

export type SeedFile = (typeof SEEDS)[keyof typeof SEEDS];
