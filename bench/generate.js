'use strict';
/**
 * Deterministic generator of valid topologies (YAML text) of every shape: co-located and separate
 * layouts, derived and listed nodes, external load balancing. Used by the benchmark (and usable by
 * tests); a seeded PRNG keeps runs comparable.
 */
const { stringify } = require('yaml');

function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function topologyObject(i, rand) {
  // Clean designs (no finding at all): sized to survive one failed server or load balancer
  // (UMS-SIZE-007), within 6 servers and 3 load balancers (UMS-SIZE-005/006).
  const devices = 1 + Math.floor(rand() * 250000);
  const external = rand() < 0.15;
  const servers = Math.max(2, Math.ceil(devices / 50000) + 1);
  const separate = !external && devices > 50000;
  const lbs = separate ? Math.max(2, Math.ceil(servers / 3) + 1) : 0;
  const third = 16 + (i % 200);
  const spec = {
    umsVersion: '12.07.100',
    devices,
    servers,
    ...(separate ? { loadBalancers: lbs } : {}),
    // OS 12 devices behind IGEL load balancers are a warning (UMS-LAYOUT-004): those designs have OS 11 only.
    // An external load balancer serves OS 12 devices only (UMS-XLB-001); the draw is kept so the sequence stays the same.
    deviceOs: external ? (rand(), ['os12']) : ['os11'],
    platform: 'vsphere',
    loadBalancing: external ? 'external' : 'igel',
    ...(external ? { clusterAddress: `ums${i}.example.internal:8443` } : {}),
    sharedWorkplace: rand() < 0.3,
    database: { engine: ['postgresql', 'mssql', 'oracle'][i % 3], host: `db${i}.example.internal`, name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'cluster' },
    network: {
      vlanId: 100 + (i % 3000),
      portGroup: `ums-vlan-${i}`,
      cidr: `10.${third}.0.0/24`,
      gateway: `10.${third}.0.1`,
      dns: [`10.${third}.0.2`],
      ntpServers: [`10.${third}.0.2`],
      firstAddress: `10.${third}.0.10`,
      // Outside every generated HA network (10.16-10.215.0.0/24), which UMS-NET-007 would name.
      deviceCidrs: ['10.240.0.0/14'],
      adminCidrs: ['10.250.0.0/24'],
    },
    firmware: { retainedUpdates: 1 + (i % 5), syncViaWebdav: true },
    installer: { url: 'https://artifacts.example.internal/igel/setup-igel-ums-linux_12.07.100.bin', sha256: 'ab'.repeat(32) },
    networkToken: { mode: 'create', variable: 'UMS_NETWORK_TOKEN' },
    vsphere: { datacenter: 'DC1', cluster: 'Cluster1', datastore: 'ds1', template: 'ubuntu-22.04-ums-template', folder: 'igel/ums' },
  };
  if (rand() < 0.5) {
    const nodes = [];
    for (let s = 1; s <= servers; s++) nodes.push({ name: `ums${s}`, roles: separate || external ? ['server'] : ['server', 'loadBalancer'] });
    for (let l = 1; l <= lbs; l++) nodes.push({ name: `lb${l}`, roles: ['loadBalancer'] });
    spec.nodes = nodes;
  }
  return { apiVersion: 'ums-ha/v1', kind: 'UmsHaTopology', metadata: { name: `site-${i}` }, spec };
}

/** A valid aws topology (external load balancing over 2 or 3 zones, nodes derived or listed). */
function awsTopologyObject(i, rand) {
  const o = topologyObject(i, rand);
  const second = 16 + (i % 200);
  const zones = rand() < 0.5 ? 2 : 3;
  const spec = { ...o.spec };
  delete spec.vsphere;
  spec.platform = 'aws';
  spec.loadBalancing = 'external';
  spec.clusterAddress = `ums${i}.example.internal:8443`;
  delete spec.nodes;
  delete spec.loadBalancers;
  // OS 12 devices only behind the load balancer (UMS-XLB-001); the draw is kept so the sequence stays the same.
  rand();
  spec.deviceOs = ['os12'];
  spec.network = {
    ...spec.network,
    vlanId: 1,
    portGroup: 'aws-vpc',
    cidr: `10.${second}.0.0/16`,
    gateway: `10.${second}.0.1`,
    dns: [`10.${second}.0.2`],
    ntpServers: ['169.254.169.123'],
  };
  delete spec.network.firstAddress;
  spec.aws = {
    region: 'eu-central-1',
    vpcId: `vpc-${(0x10000000 + i).toString(16)}`,
    subnets: Array.from({ length: zones }, (_, z) => ({ availabilityZone: `eu-central-1${'abc'[z]}`, cidr: `10.${second}.${z + 1}.0/24` })),
    ami: 'ami-0c1d2e3f4a5b6c7d8',
    secrets: { databasePasswordParameter: `/ums-ha/site-${i}/db-password`, networkTokenParameter: `/ums-ha/site-${i}/network-token` },
  };
  return { ...o, spec };
}

/** `count` valid aws topology objects. */
function generateAwsTopologyObjects(count, seed = 42) {
  const rand = prng(seed);
  return Array.from({ length: count }, (_, i) => awsTopologyObject(i, rand));
}

/** `count` valid topology objects. */
function generateTopologyObjects(count, seed = 42) {
  const rand = prng(seed);
  return Array.from({ length: count }, (_, i) => topologyObject(i, rand));
}

/** `count` valid topologies as YAML text. */
function generateTopologies(count, seed = 42) {
  return generateTopologyObjects(count, seed).map((t) => stringify(t));
}

module.exports = { generateTopologies, generateTopologyObjects, generateAwsTopologyObjects };
