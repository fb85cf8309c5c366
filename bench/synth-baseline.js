'use strict';
/**
 * Baseline for the synthesis benchmark: plain cdktf with no ums-ha domain logic. Declares, per
 * topology, one stack with the provider, the same vSphere look-ups and the same number of
 * vsphere_virtual_machine resources as ums-ha builds, each with the same attributes (CPUs, memory,
 * two disks, NIC, clone, folder) and a fixed guestinfo payload of the size ums-ha's cloud-init
 * has, then synthesizes. No validation, sizing or rendering happens here.
 *   node bench/synth-baseline.js OUTDIR VMCOUNT[,VMCOUNT...] PAYLOAD_BYTES
 * Prints {"ms": ..., "maxRssMb": ...} measured in this process.
 */
const started = process.hrtime.bigint();
const { payloadOf } = require('./payload');
const { App, TerraformStack, TerraformVariable, Fn } = require('cdktf');
const { VsphereProvider } = require('@cdktf/provider-vsphere/lib/provider');
const { DataVsphereDatacenter } = require('@cdktf/provider-vsphere/lib/data-vsphere-datacenter');
const { DataVsphereComputeCluster } = require('@cdktf/provider-vsphere/lib/data-vsphere-compute-cluster');
const { DataVsphereDatastore } = require('@cdktf/provider-vsphere/lib/data-vsphere-datastore');
const { DataVsphereVirtualMachine } = require('@cdktf/provider-vsphere/lib/data-vsphere-virtual-machine');
const { DataVsphereNetwork } = require('@cdktf/provider-vsphere/lib/data-vsphere-network');
const { VirtualMachine } = require('@cdktf/provider-vsphere/lib/virtual-machine');

const [outdir, counts, payloadBytes = '0'] = process.argv.slice(2);
const app = new App({ outdir });
// A random-looking base64 payload per VM as long as ums-ha's encoded user data (bench/payload.js).
const payload = payloadOf(payloadBytes);
counts.split(',').map(Number).forEach((vmCount, i) => {
  const stack = new TerraformStack(app, `baseline-${i}`);
  const v = (name) => new TerraformVariable(stack, name, { type: 'string' }).stringValue;
  new VsphereProvider(stack, 'vsphere', { vsphereServer: v('server'), user: v('user'), password: v('password') });
  const dc = new DataVsphereDatacenter(stack, 'dc', { name: 'DC1' });
  const cluster = new DataVsphereComputeCluster(stack, 'cluster', { name: 'Cluster1', datacenterId: dc.id });
  const ds = new DataVsphereDatastore(stack, 'ds', { name: 'ds1', datacenterId: dc.id });
  const tpl = new DataVsphereVirtualMachine(stack, 'tpl', { name: 'tpl', datacenterId: dc.id });
  const net = new DataVsphereNetwork(stack, 'net', { name: 'pg', datacenterId: dc.id });
  for (let n = 0; n < vmCount; n++) {
    new VirtualMachine(stack, `vm${n}`, {
      name: `vm-${i}-${n}`,
      resourcePoolId: cluster.resourcePoolId,
      datastoreId: ds.id,
      folder: 'igel/ums',
      numCpus: 4,
      memory: 8192,
      guestId: tpl.guestId,
      scsiType: tpl.scsiType,
      networkInterface: [{ networkId: net.id, adapterType: Fn.element(tpl.networkInterfaceTypes, 0) }],
      disk: [{ label: 'disk0', size: 40, unitNumber: 0 }, { label: 'disk1', size: 60, unitNumber: 1, thinProvisioned: true }],
      clone: { templateUuid: tpl.id },
      extraConfig: {
        'guestinfo.metadata': payload(n + 1000 * i).slice(0, 600),
        'guestinfo.metadata.encoding': 'base64',
        'guestinfo.userdata': payload(n + 1000 * i),
        'guestinfo.userdata.encoding': 'gzip+base64',
      },
      lifecycle: { ignoreChanges: ['clone[0].template_uuid', 'extra_config'] },
    });
  }
});
app.synth();
process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
