/**
 * A test site synthesized through the real app path (bin/ums-ha-app.js, the `cdktf synth` app, with
 * UMS_TOPOLOGY_DIR, CDKTF_OUTDIR and UMS_HA_DEPLOY_PHASE) into a temporary folder, and each VM of
 * the resulting cdk.tf.json as a node to boot: its extra_config strings exactly as synthesized,
 * with `${var.X}` set as `cdktf deploy` sets them from TF_VAR_X.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { decodeGuestinfo } from '../../bootstrap/cloud-init';
import type { UmsHaTopologyDocument } from '../../core/model/model';
import type { NodeSpec } from './vm';

const repoRoot = path.resolve(__dirname, '..', '..');

export interface SynthesizedSite {
  readonly name: string;
  /** cdk.tf.json as parsed. */
  readonly json: { resource: Record<string, Record<string, Record<string, any>>>; variable?: Record<string, unknown> };
  /** The VM resource ids in cdk.tf.json. */
  readonly vms: readonly string[];
}

/** Synthesizes one topology document with the app into `dir` (phase: first-server or all). */
export function synthesize(doc: UmsHaTopologyDocument, dir: string, phase: 'first-server' | 'all'): SynthesizedSite {
  const topologies = path.join(dir, 'topologies');
  const outdir = path.join(dir, 'cdktf.out');
  fs.mkdirSync(topologies, { recursive: true });
  fs.writeFileSync(path.join(topologies, `${doc.metadata.name}.yaml`), stringify(doc));
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'ums-ha-app.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120000,
    env: { ...process.env, UMS_TOPOLOGY_DIR: topologies, CDKTF_OUTDIR: outdir, UMS_HA_DEPLOY_PHASE: phase },
  });
  if (r.status !== 0) throw new Error(`synthesis of ${doc.metadata.name} (${phase}) failed: ${r.stderr}`);
  const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', doc.metadata.name, 'cdk.tf.json'), 'utf8'));
  return { name: doc.metadata.name, json, vms: Object.keys(json.resource.vsphere_virtual_machine ?? {}) };
}

/** A value of extra_config with Terraform's `${var.X}` set from `vars` (no other expression is expected there). */
function interpolate(value: string, vars: Readonly<Record<string, string>>, where: string): string {
  return value.replace(/\$\{([^}]*)\}/g, (whole, expr: string) => {
    const m = /^var\.([A-Za-z0-9_]+)$/.exec(expr);
    if (!m) throw new Error(`${where}: unexpected expression ${whole} in extra_config`);
    const v = vars[m[1] as string];
    if (v === undefined) throw new Error(`${where}: the variable ${m[1]} is not set (TF_VAR_${m[1]})`);
    return v;
  });
}

/** The decoded guestinfo.userdata of a VM. */
export function userData(site: SynthesizedSite, vm: string): string {
  const ec = site.json.resource.vsphere_virtual_machine?.[vm]?.extra_config as Record<string, string>;
  return decodeGuestinfo(ec['guestinfo.userdata'] as string, ec['guestinfo.userdata.encoding'] as string);
}

/** A setting of the VM's /etc/ums-ha/node.env, as rendered into its user-data. */
export function nodeEnv(site: SynthesizedSite, vm: string, key: string): string {
  const m = new RegExp(`^\\s*${key}='([^']*)'$`, 'm').exec(userData(site, vm));
  if (!m) throw new Error(`${vm}: no ${key} in node.env`);
  return m[1] as string;
}

/** The node of a VM as the lab boots it. */
export function nodeSpec(site: SynthesizedSite, vm: string, vars: Readonly<Record<string, string>>): NodeSpec {
  const res = site.json.resource.vsphere_virtual_machine?.[vm];
  if (!res) throw new Error(`${site.name}: no VM ${vm} in cdk.tf.json (has ${site.vms.join(', ')})`);
  const extraConfig: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.extra_config as Record<string, string>)) extraConfig[k] = interpolate(v, vars, `${site.name} ${vm} ${k}`);
  const nic = (res.network_interface as Array<Record<string, unknown>>)[0] ?? {};
  const disk1 = (res.disk as Array<Record<string, unknown>>).find((d) => d.label === 'disk1');
  const minimum = Number(nodeEnv(site, vm, 'UMS_HA_MIN_MEMORY_MB'));
  return {
    name: vm,
    ip: nodeEnv(site, vm, 'UMS_HA_IP'),
    extraConfig,
    ...(typeof nic.mac_address === 'string' && nic.mac_address !== '' ? { mac: nic.mac_address } : {}),
    // The documented minimum and a margin (the preflight checks it), not the VM's full size: the host is shared.
    memoryMb: minimum + 256,
    dataDiskGb: Number(disk1?.size ?? 60),
  };
}
