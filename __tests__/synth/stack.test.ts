import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { parse, stringify } from 'yaml';
import { UmsHaValidationError } from '../../constructs/errors';
import { UmsHaTopology } from '../../platforms/vsphere/constructs/ums-ha-topology';
import { UmsHaStack } from '../../platforms/vsphere/stack';
import { renderReportMarkdown } from '../../core/reports/report';
import { EXTERNAL_LB_FILE, renderExternalLoadBalancer } from '../../core/configs/external-lb';
import { renderFirewall } from '../../core/configs/nftables';
import { resolveTopology } from '../../core/model/resolve';
import { NO_SOURCE } from '../../core/document/source';
import { validateText, validateValue } from '../../core/reader/validate';
import { baseTopology, nodes, topology } from '../helpers/topology';
import { decode, resources, synthStack, vms } from '../helpers/synth';

const external = { loadBalancing: 'external', deviceOs: ['os12'], clusterAddress: 'ums.example.internal:8443' };

describe('UmsHaStack: resources per layout', () => {
  it.each([
    ['co-located, 2 hosts', topology({ devices: 30000 }), 2, 0, { servers: 2, lbs: 0 }],
    ['separate, 3 servers + 2 load balancers', topology({ devices: 120000 }), 3, 2, { servers: 3, lbs: 2 }],
    ['separate, 6 servers + 2 load balancers', topology({ devices: 300000, loadBalancers: 2 }), 6, 2, { servers: 6, lbs: 2 }],
    ['external load balancing, 3 servers', topology({ devices: 120000, ...external }), 3, 0, { servers: 3, lbs: 0 }],
  ])('%s', (_n, doc, servers, lbs, groups) => {
    const { json } = synthStack({ topology: doc });
    const all = vms(json);
    expect(all).toHaveLength(servers + lbs);
    expect(all.map((v) => v.name)).toEqual([
      ...Array.from({ length: servers }, (_, i) => `test-site-ums${i + 1}`),
      ...Array.from({ length: lbs }, (_, i) => `test-site-lb${i + 1}`),
    ]);
    const rules = resources(json, 'vsphere_compute_cluster_vm_anti_affinity_rule') as Array<{ name: string; virtual_machine_ids: string[] }>;
    const byName = Object.fromEntries(rules.map((r) => [r.name, r.virtual_machine_ids]));
    expect(byName['test-site-ums-servers']).toEqual(Array.from({ length: groups.servers }, (_, i) => `\${vsphere_virtual_machine.ums${i + 1}.id}`));
    if (groups.lbs > 0) expect(byName['test-site-ums-load-balancers']).toEqual(Array.from({ length: groups.lbs }, (_, i) => `\${vsphere_virtual_machine.lb${i + 1}.id}`));
    else expect(byName['test-site-ums-load-balancers']).toBeUndefined();
    expect(resources(json, 'vsphere_tag_category')).toHaveLength(1);
    expect(resources(json, 'vsphere_tag')).toHaveLength(3);
  });

  it('makes anti-affinity mandatory on request', () => {
    const doc = topology({ vsphere: { ...baseTopology().spec.vsphere!, antiAffinity: 'mandatory' } });
    for (const rule of resources(synthStack({ topology: doc }).json, 'vsphere_compute_cluster_vm_anti_affinity_rule')) expect(rule.mandatory).toBe(true);
    for (const rule of resources(synthStack({ topology: topology() }).json, 'vsphere_compute_cluster_vm_anti_affinity_rule')) expect(rule.mandatory).toBe(false);
  });
});

describe('UmsHaStack: VM sizes and disks', () => {
  it('sizes CPUs, memory and the data disk per role', () => {
    const doc = topology({ devices: 120000, firmware: { retainedUpdates: 5 }, resources: { server: { cpus: 8, memoryGb: 16 }, loadBalancer: { diskGb: 25 } } });
    const [server, , , lb] = vms(synthStack({ topology: doc }).json);
    expect([server!.num_cpus, server!.memory]).toEqual([8, 16 * 1024]);
    // 1 GB program files + 5 retained firmware updates x 10 GB + 20 GB headroom, at least 60
    expect(server!.disk[1]).toEqual({ label: 'disk1', unit_number: 1, size: 71, thin_provisioned: true });
    expect([lb!.num_cpus, lb!.memory, lb!.disk[1].size]).toEqual([4, 4096, 25]);
    expect(server!.disk[0].size).toMatch(/^\$\{data\.vsphere_virtual_machine\.[\w]+\.disks\[0\]\.size\}$/);
  });

  it('keeps an explicit disk size as written', () => {
    const [server] = vms(synthStack({ topology: topology({ resources: { server: { diskGb: 200 } } }) }).json);
    expect(server!.disk[1].size).toBe(200);
  });

  it('clones the template without guest customization and ignores what vSphere changes itself', () => {
    const [vm] = vms(synthStack({ topology: topology() }).json);
    expect(vm!.clone).toEqual({ template_uuid: expect.stringMatching(/^\$\{data\.vsphere_virtual_machine\..+\.id\}$/) });
    expect(vm!.clone).not.toHaveProperty('customize');
    expect(vm!.lifecycle).toEqual({ ignore_changes: ['clone[0].template_uuid', 'extra_config', 'network_interface[0].use_static_mac', 'network_interface[0].mac_address'] });
  });
});

describe('UmsHaStack: network', () => {
  it('looks up an existing port group by name', () => {
    const { json } = synthStack({ topology: topology() });
    const lookups = Object.values(json.data.vsphere_network ?? {});
    expect(lookups).toEqual([expect.objectContaining({ name: 'ums-vlan120' })]);
    expect(resources(json, 'vsphere_distributed_port_group')).toEqual([]);
    for (const vm of vms(json)) expect(vm.network_interface[0].network_id).toMatch(/^\$\{data\.vsphere_network\./);
  });

  it('creates the port group with the HA VLAN on a named distributed switch', () => {
    const { json } = synthStack({ topology: topology({}, { distributedSwitch: 'dvs-dc1', vlanId: 321 }) });
    expect(resources(json, 'vsphere_distributed_port_group')).toEqual([
      expect.objectContaining({ name: 'ums-vlan120', vlan_id: 321, distributed_virtual_switch_uuid: expect.stringContaining('data.vsphere_distributed_virtual_switch') }),
    ]);
    for (const vm of vms(json)) expect(vm.network_interface[0].network_id).toMatch(/^\$\{vsphere_distributed_port_group\./);
  });
});

describe('UmsHaStack: bootstrap hand-off', () => {
  it('attaches literal base64 cloud-init per node: static address, gateway, DNS, NTP', () => {
    const { json } = synthStack({ topology: topology({ devices: 120000 }) });
    const t = vms(json);
    t.forEach((vm, i) => {
      expect(vm.extra_config['guestinfo.metadata.encoding']).toBe('base64');
      expect(vm.extra_config['guestinfo.userdata.encoding']).toBe('gzip+base64');
      const metadata = JSON.parse(decode(vm, 'guestinfo.metadata'));
      expect(metadata['local-hostname']).toBe(vm.name);
      expect(metadata.network.ethernets.ha0.addresses).toEqual([`10.20.0.${[11, 12, 13, 17, 18][i]}/24`]); // server slots from .11, load balancer slots from .17
      expect(metadata.network.ethernets.ha0.gateway4).toBe('10.20.0.1');
      expect(metadata.network.ethernets.ha0).not.toHaveProperty('routes');
      // The NIC gets a static MAC in VMware's manual range (low 22 bits of its address); the metadata matches it.
      const mac = `00:50:56:14:00:${[11, 12, 13, 17, 18][i]!.toString(16).padStart(2, '0')}`;
      expect(vm.network_interface[0]).toMatchObject({ use_static_mac: true, mac_address: mac });
      expect(metadata.network.ethernets.ha0.match).toEqual({ macaddress: mac });
      expect(metadata.network.ethernets.ha0['set-name']).toBe('ha0');
      const userData = decode(vm, 'guestinfo.userdata');
      expect(userData.startsWith('#cloud-config\n')).toBe(true);
      expect(parse(userData).ntp.servers).toEqual(['10.20.0.10']);
      // Literal base64, no Terraform expression: a reviewer decodes exactly what boots.
      for (const key of ['guestinfo.metadata', 'guestinfo.userdata']) expect(vm.extra_config[key]).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(userData + JSON.stringify(metadata)).not.toMatch(/\$\{(var|data|local|module)\./);
    });
  });
});

describe('UmsHaStack: secrets', () => {
  const secretPassword = 'pw-5f1e0c8a-never-in-json';
  const secretToken = 'token-1b2c3d4e-never-in-json';

  it('declares the secrets as sensitive variables that refuse to be unset, and passes them by reference', () => {
    const { json, text } = synthStack({ topology: topology({ devices: 120000 }) });
    for (const name of ['UMS_DB_PASSWORD', 'UMS_NETWORK_TOKEN', 'vsphere_password']) {
      expect(json.variable[name]).toMatchObject({ sensitive: true });
    }
    // Every variable: empty when unset (so Terraform never prompts), and then refused with one line naming it.
    for (const [name, v] of Object.entries(json.variable)) {
      expect(v).toMatchObject({ type: 'string', nullable: false, default: '', validation: [{ condition: `\${var.${name} != ""}`, error_message: `TF_VAR_${name} is not set.` }] });
    }
    expect(Object.keys(json.variable).sort()).toEqual(['UMS_DB_PASSWORD', 'UMS_NETWORK_TOKEN', 'vsphere_password', 'vsphere_server', 'vsphere_user']);
    const [first, second, , lb] = vms(json);
    expect(first!.extra_config['guestinfo.ums.db_password']).toBe('${var.UMS_DB_PASSWORD}');
    expect(first!.extra_config).not.toHaveProperty('guestinfo.ums.network_token');
    expect(second!.extra_config['guestinfo.ums.network_token']).toBe('${var.UMS_NETWORK_TOKEN}');
    expect(lb!.extra_config).not.toHaveProperty('guestinfo.ums.db_password');
    expect(lb!.extra_config['guestinfo.ums.network_token']).toBe('${var.UMS_NETWORK_TOKEN}');
    process.env.TF_VAR_UMS_DB_PASSWORD = secretPassword;
    process.env.TF_VAR_UMS_NETWORK_TOKEN = secretToken;
    try {
      const again = synthStack({ topology: topology({ devices: 120000 }) }).text;
      expect(again).not.toContain(secretPassword);
      expect(again).not.toContain(secretToken);
      expect(again).toBe(text);
    } finally {
      delete process.env.TF_VAR_UMS_DB_PASSWORD;
      delete process.env.TF_VAR_UMS_NETWORK_TOKEN;
    }
  });

  it('joins every node with the token when the network exists already', () => {
    const { json } = synthStack({ topology: topology({ networkToken: { mode: 'existing', variable: 'UMS_NETWORK_TOKEN' } }) });
    for (const vm of vms(json)) expect(vm.extra_config['guestinfo.ums.network_token']).toBe('${var.UMS_NETWORK_TOKEN}');
  });

  it('deploy phase first-server: only the first server, and no token variable to ask for', () => {
    const { json } = synthStack({ topology: topology({ devices: 120000 }), deployPhase: 'first-server' });
    expect(vms(json).map((v) => v.name)).toEqual(['test-site-ums1']);
    expect(json.variable).not.toHaveProperty('UMS_NETWORK_TOKEN');
    expect(json.output.deploy_phase.value).toBe('first-server');
    expect(resources(json, 'vsphere_compute_cluster_vm_anti_affinity_rule')).toEqual([]);
  });
});

describe('UmsHaStack: outputs', () => {
  it('outputs the nodes and where devices connect', () => {
    const { json } = synthStack({ topology: topology({ devices: 120000, nodes: nodes(3, 2) }) });
    expect(json.output.nodes.value).toEqual([
      { name: 'ums1', vm: 'test-site-ums1', roles: 'server', ip: '10.20.0.11' },
      { name: 'ums2', vm: 'test-site-ums2', roles: 'server', ip: '10.20.0.12' },
      { name: 'ums3', vm: 'test-site-ums3', roles: 'server', ip: '10.20.0.13' },
      { name: 'lb1', vm: 'test-site-lb1', roles: 'loadBalancer', ip: '10.20.0.17' },
      { name: 'lb2', vm: 'test-site-lb2', roles: 'loadBalancer', ip: '10.20.0.18' },
    ]);
    // OS 11 devices to the IGEL load balancers on 30001; OS 12 devices to the servers on 8443 (the
    // load balancers' firewalls drop 8443, so sending OS 12 devices there would strand them).
    expect(json.output.device_addresses.value).toEqual({
      os11: ['10.20.0.17:30001', '10.20.0.18:30001'],
      os12: ['10.20.0.11:8443', '10.20.0.12:8443', '10.20.0.13:8443'],
    });
    // External load balancing serves OS 12 devices only (UMS-XLB-001).
    expect(synthStack({ topology: topology({ devices: 120000, ...external }) }).json.output.device_addresses.value).toEqual({
      os12: ['ums.example.internal:8443'],
    });
    expect(synthStack({ topology: topology({ deviceOs: ['os12'] }) }).json.output.device_addresses.value).toEqual({ os12: ['10.20.0.11:8443', '10.20.0.12:8443'] });
    // Every address is a host whose firewall opens that port for the device networks.
    const t = resolveTopology(topology({ devices: 120000, nodes: nodes(3, 2) }));
    for (const list of Object.values(json.output.device_addresses.value as Record<string, string[]>)) {
      for (const a of list) {
        const [ip, port] = a.split(':');
        const node = t.nodes.find((n) => n.ip === ip)!;
        expect(renderFirewall(t, node)).toMatch(new RegExp(`ip saddr @device_nets ip daddr ${ip} tcp dport ${port} accept`));
      }
    }
  });
});

describe('UmsHaTopology: validation before any resource', () => {
  it.each([
    ['too few servers', topology({ devices: 120000, servers: 2 }), 'UMS-SIZE-001'],
    ['a platform synthesis cannot build', topology({ platform: 'azure', ...external }), 'UMS-PLAT-001'],
    ['a schema error', topology({ devices: 'many' }), 'UMS-SCHEMA'],
  ])('refuses %s with its rule id', (_n, doc, ruleId) => {
    let error: unknown;
    try {
      synthStack({ topology: doc, sourceFile: 'site.yaml' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UmsHaValidationError);
    const e = error as UmsHaValidationError;
    expect(e.code).toBe('UMS_HA_INVALID_TOPOLOGY');
    expect(e.findings.map((f) => f.ruleId)).toContain(ruleId);
    // No source map: the finding names the value by its JSON pointer, never a 0:0 position.
    expect(e.message).toMatch(new RegExp(`\\nsite\\.yaml#/spec/\\S* error ${ruleId} `));
    expect(e.message).not.toContain(':0:0');
  });

  it('names each error by JSON pointer on the construct path, and by line:column when a source map places it', () => {
    const doc = topology({ devices: 120000, servers: 2 });
    const refusal = (props: Partial<Parameters<typeof synthStack>[0]>) => {
      try {
        synthStack({ topology: doc, ...props });
      } catch (err) {
        return err as UmsHaValidationError;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal({}).message).toContain(`\n${doc.metadata.name}/topology#/spec/servers error UMS-SIZE-001 `);
    const read = validateText(stringify(doc), { synthesis: true });
    const line = stringify(doc).split('\n').findIndex((l) => /^\s+servers: 2$/.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    expect(refusal({ topology: read.value as typeof doc, sourceMap: read.source, sourceFile: 'site.yaml' }).message).toMatch(
      new RegExp(`\\nsite\\.yaml:${line}:\\d+ error UMS-SIZE-001 `),
    );
  });

  it('leaves no stack behind when the app catches the error: nothing written, nothing in manifest.json', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `ums-ha-refused-${process.pid}-`));
    try {
      const app = new App({ outdir });
      new UmsHaStack(app, 'good', { topology: topology() });
      expect(() => new UmsHaStack(app, 'bad', { topology: topology({ devices: 120000, servers: 2 }) })).toThrow(UmsHaValidationError);
      // A construct of one's own stack is removed the same way.
      const own = new TerraformStack(app, 'own');
      expect(() => new UmsHaTopology(own, 'topology', { topology: topology({ devices: 'many' }) as never })).toThrow(UmsHaValidationError);
      expect(own.node.children).toEqual([]);
      app.synth();
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
      expect(Object.keys(manifest.stacks).sort()).toEqual(['good', 'own']);
      expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['good', 'own']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('writes the sizing review the construct exposes beside the stack', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `ums-ha-report-${process.pid}-`));
    try {
      const app = new App({ outdir });
      const stack = new UmsHaStack(app, 'in-code', { topology: topology({ devices: 120000 }) });
      expect(stack.topology.report).toMatchObject({ topology: 'test-site', devices: 120000, servers: { count: 3 }, valid: true });
      expect(stack.topology.report).toBe(stack.topology.report);
      app.synth();
      const dir = path.join(outdir, 'stacks', 'in-code');
      expect(fs.readFileSync(path.join(dir, 'sizing-report.md'), 'utf8')).toBe(renderReportMarkdown(stack.topology.report));
      // From code there is no file: the JSON is the report itself.
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'sizing-report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(stack.topology.report)));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('writes the external load balancer configuration beside a stack built in code, as the app does', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `ums-ha-extlb-${process.pid}-`));
    try {
      const app = new App({ outdir });
      const stack = new UmsHaStack(app, 'in-code', { topology: topology({ devices: 120000, loadBalancing: 'external', deviceOs: ['os12'], clusterAddress: 'ums.example.internal:8443' }) });
      new UmsHaStack(app, 'igel', { topology: topology() });
      app.synth();
      expect(fs.readFileSync(path.join(outdir, 'stacks', 'in-code', EXTERNAL_LB_FILE), 'utf8')).toBe(renderExternalLoadBalancer(stack.topology.topology)!.content);
      expect(fs.existsSync(path.join(outdir, 'stacks', 'igel', EXTERNAL_LB_FILE))).toBe(false);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('lists every error at once', () => {
    try {
      synthStack({ topology: topology({ devices: 120000, servers: 1, database: { engine: 'embedded' } }) });
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as UmsHaValidationError).findings.map((f) => f.ruleId).sort()).toEqual(['UMS-DB-001', 'UMS-SIZE-001', 'UMS-SIZE-003']);
    }
  });

  it('turns warnings into annotations and still synthesizes', () => {
    const { stack, json } = synthStack({ topology: topology({ devices: 350001 }) });
    expect(vms(json)).toHaveLength(11);
    const warnings = stack.topology.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toContainEqual(expect.stringContaining('UMS-SIZE-005'));
  });
});

describe('UmsHaTopology: a topology the app has validated already', () => {
  const text = stringify(topology({ devices: 350001 }));

  it('is not validated twice: the construct takes the result validateText gave for the same value and source map', () => {
    const read = validateText(text, { synthesis: true });
    expect(read.valid).toBe(true);
    expect(validateValue(read.value, read.source, { synthesis: true })).toBe(read);
    // Another source map, or the rules without synthesis, validate again.
    expect(validateValue(read.value, NO_SOURCE, { synthesis: true })).not.toBe(read);
    expect(validateValue(read.value, read.source)).not.toBe(read);
    const { stack } = synthStack({ topology: read.document!, sourceMap: read.source, sourceFile: 'site.yaml' });
    const warnings = stack.topology.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toContainEqual(expect.stringMatching(/^site\.yaml:\d+:\d+ warning UMS-SIZE-005 /));
  });

  it('returns what it read frozen, so the recorded result always describes it; an edited copy is validated anew', () => {
    const read = validateText(text, { synthesis: true });
    const doc = read.document!;
    expect(() => {
      (doc.spec as { devices: number }).devices = 120000;
    }).toThrow(TypeError);
    expect(() => (read.topology!.nodes as unknown[]).push({})).toThrow(TypeError);
    const copy = structuredClone(doc);
    copy.spec.database = { ...copy.spec.database, engine: 'embedded' } as typeof copy.spec.database;
    expect(() => synthStack({ topology: copy, sourceMap: read.source })).toThrow(UmsHaValidationError);
  });
});
