/**
 * IGEL's size classes for HA installations: "Installation and Sizing Guidelines for IGEL UMS",
 * "IGEL UMS Sizing Guidelines & Architecture Diagrams" (pages 5-15) and "Performance Optimizations
 * in IGEL UMS" (Latencies); the database connection hint: "Microsoft SQL Server/Cluster with Active
 * Directory (AD) Authentication via Kerberos", Configuration Hints. Addresses in docs/sources.md.
 * The classes go by the number of devices; the figures are per host. UMS-RES-003 warns below them,
 * the sizing report shows them beside the topology's own sizes.
 */

export interface ClassFigure {
  readonly cpus: number;
  readonly memoryGb: number;
  readonly diskGb: number;
}

export interface SizeClass {
  /** IGEL's name of the class. */
  readonly name: 'M/S (HA)' | 'L (HA)' | 'XL (HA)';
  /** The class covers fewer devices than this (IGEL: "< 15,000", "< 50,000", "< 300,000"). */
  readonly devicesBelow: number;
  /** A UMS Server host (with its load balancer where the class has them on one host). */
  readonly serverHost: ClassFigure;
  /** A load balancer on a host of its own (IGEL gives this figure in class XL only). */
  readonly loadBalancerStandalone?: ClassFigure;
  /** The UMS Console on a host of its own: mandatory in L and XL, optional in M/S. */
  readonly consoleStandalone: ClassFigure & { readonly mandatory: boolean };
  /** Disk of the external database (IGEL: "External database 10 GB" / "20 GB"). */
  readonly databaseGb: number;
}

/** Where the class figures come from (docs/sources.md, "Sizing guidelines"). */
export const SIZING_GUIDELINES = 'IGEL "Installation and Sizing Guidelines for IGEL UMS", IGEL UMS Sizing Guidelines & Architecture Diagrams';

export const SIZE_CLASSES: readonly SizeClass[] = [
  {
    name: 'M/S (HA)',
    devicesBelow: 15_000,
    serverHost: { cpus: 6, memoryGb: 9, diskGb: 25 },
    consoleStandalone: { mandatory: false, cpus: 2, memoryGb: 3, diskGb: 1 },
    databaseGb: 10,
  },
  {
    // Footnote ***: less RAM and CPU than M/S because the UMS Console runs on a host of its own.
    name: 'L (HA)',
    devicesBelow: 50_000,
    serverHost: { cpus: 4, memoryGb: 6, diskGb: 25 },
    consoleStandalone: { mandatory: true, cpus: 2, memoryGb: 3, diskGb: 1 },
    databaseGb: 10,
  },
  {
    name: 'XL (HA)',
    devicesBelow: 300_000,
    serverHost: { cpus: 6, memoryGb: 9, diskGb: 25 },
    loadBalancerStandalone: { cpus: 4, memoryGb: 4, diskGb: 2 },
    consoleStandalone: { mandatory: true, cpus: 4, memoryGb: 6, diskGb: 1 },
    databaseGb: 20,
  },
];

/**
 * IGEL writes the server figure as "9 GB RAM (Web App + 1 GB)": the UMS Web App adds 1 GB on top.
 * ums-ha installs the Web App on every server host (as UMS-RES-001 counts it), so it is added.
 */
export const WEB_APP_EXTRA_GB = 1;

/** The RAM a server host needs in class `c`: IGEL's figure plus the Web App's 1 GB. */
export function serverHostMemoryGb(c: SizeClass): number {
  return c.serverHost.memoryGb + WEB_APP_EXTRA_GB;
}

/** The standalone load balancer figure: IGEL gives it in class XL only, so it applies to every load balancer host. */
export const LOAD_BALANCER_STANDALONE: ClassFigure = SIZE_CLASSES[2]!.loadBalancerStandalone!;

/** The class of an HA network with `devices` devices (beyond 300,000: XL, the largest IGEL describes). */
export function sizeClass(devices: number): SizeClass {
  return SIZE_CLASSES.find((c) => devices < c.devicesBelow) ?? SIZE_CLASSES[SIZE_CLASSES.length - 1]!;
}

/** IGEL's latency limits ("Performance Optimizations in IGEL UMS", Latencies), in ms. */
export const LATENCY_LIMITS_MS = { databaseToServer: 20, serverToServer: 50, loadBalancerToServer: 50 } as const;

/** Expected maximum database connections per UMS Server (IGEL: "128 * [number of UMS Servers]"). */
export const DB_CONNECTIONS_PER_SERVER = 128;
