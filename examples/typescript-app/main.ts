/**
 * A cdktf app of one's own on the ums-ha constructs: two HA networks written in TypeScript, one
 * stack each. `cdktf synth` runs it (cdktf.json "app": compile with tsc, run out/main.js) and
 * writes cdktf.out/stacks/<name>/cdk.tf.json with the sizing review beside it.
 */
import { App } from 'cdktf';
import { UmsHaStack, UmsHaValidationError, type UmsHaTopologyDocument } from 'ums-ha';

/** What both sites share; each site below gives its own network, database and vSphere objects. */
function site(name: string, devices: number, net: { vlan: number; prefix: string }, dc: string): UmsHaTopologyDocument {
  return {
    apiVersion: 'ums-ha/v1',
    kind: 'UmsHaTopology',
    metadata: { name, description: `${dc}: IGEL OS 12 devices` },
    spec: {
      umsVersion: '12.07.100',
      devices,
      deviceOs: ['os12'],
      platform: 'vsphere',
      loadBalancing: 'igel',
      layout: 'auto',
      database: { engine: 'postgresql', host: `db.${name}.example.internal`, name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD' },
      network: {
        vlanId: net.vlan,
        portGroup: `ums-vlan${net.vlan}`,
        cidr: `${net.prefix}.0/24`,
        gateway: `${net.prefix}.1`,
        dns: [`${net.prefix}.10`],
        ntpServers: [`${net.prefix}.10`],
        firstAddress: `${net.prefix}.11`,
        deviceCidrs: ['10.128.0.0/12'],
        adminCidrs: ['10.40.0.0/24'],
      },
      firmware: { retainedUpdates: 3, syncViaWebdav: true },
      installer: {
        url: 'https://artifacts.example.internal/igel/setup-igel-ums-linux_12.07.100.bin',
        sha256: '0d7f0fb3cbd3b5e0d1d1b6c8a7a4f8e9c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7',
      },
      networkToken: { mode: 'create', variable: 'UMS_NETWORK_TOKEN' },
      vsphere: { datacenter: dc, cluster: 'Cluster1', datastore: 'vsanDatastore', template: 'ubuntu-22.04-ums-template', folder: 'igel/ums' },
    },
  };
}

const topologies: UmsHaTopologyDocument[] = [
  site('hamburg', 30000, { vlan: 130, prefix: '10.21.0' }, 'DC-Hamburg'),
  site('munich', 120000, { vlan: 140, prefix: '10.22.0' }, 'DC-Munich'),
];

const app = new App();
for (const topology of topologies) {
  try {
    const stack = new UmsHaStack(app, topology.metadata.name, { topology });
    const { servers, loadBalancers } = stack.topology.report;
    process.stderr.write(`${topology.metadata.name}: ${servers.count} servers, ${loadBalancers.count} load balancers\n`);
  } catch (err) {
    // One message per error finding, with its JSON pointer; the refused topology leaves no stack.
    if (!(err instanceof UmsHaValidationError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}
app.synth();
