import { Testing } from 'cdktf';
import { gunzipSync } from 'node:zlib';
import { UmsHaAwsStack, type UmsHaAwsStackProps } from '../../platforms/aws/stack';
import type { TerraformJson } from './synth';

export function synthAwsStack(props: UmsHaAwsStackProps): { json: TerraformJson; text: string; stack: UmsHaAwsStack } {
  const app = Testing.app();
  const stack = new UmsHaAwsStack(app, props.topology.metadata.name, props);
  const text = Testing.synth(stack);
  return { json: JSON.parse(text) as TerraformJson, text, stack };
}

/** An instance's user data as cloud-init reads it (base64, gzip). */
export function instanceUserData(instance: Record<string, unknown>): string {
  return gunzipSync(Buffer.from(instance.user_data_base64 as string, 'base64')).toString('utf8');
}

/** One allowed flow: who may reach whom on which port, in terms of the firewall matrix's parties. */
export type Flow = string;

/**
 * The flows the synthesized security group rules allow, read back from the Terraform JSON alone:
 * each ingress rule is a flow from its peer to its group, each egress rule a flow from its group to
 * its peer. Groups map to roles by the instances that carry them; CIDRs to devices or admins by the
 * topology's lists; the load balancer's group stands for the devices it forwards.
 */
export function flowsFromSecurityGroups(
  json: TerraformJson,
  parties: { deviceCidrs: readonly string[]; adminCidrs: readonly string[] },
): { ingress: Set<Flow>; egress: Set<Flow>; egressByPeer: Array<{ from: string; to: string; protocol: string; port: number; description: string }> } {
  const groupRole = new Map<string, string>();
  for (const instance of Object.values(json.resource.aws_instance ?? {})) {
    const roles = String((instance.tags as Record<string, string>)['ums-ha-roles']).split(',');
    (instance.vpc_security_group_ids as string[]).forEach((ref, i) => groupRole.set(ref, roles[i] as string));
  }
  for (const lb of Object.values(json.resource.aws_lb ?? {})) for (const ref of lb.security_groups as string[]) groupRole.set(ref, 'nlb');
  const party = (rule: Record<string, unknown>): string[] => {
    if (typeof rule.referenced_security_group_id === 'string') {
      const role = groupRole.get(rule.referenced_security_group_id);
      // The load balancer's group on a server: its health checks (matrix rows nlb-health-check-*) and the devices' traffic it forwards.
      return role === 'nlb' ? ['nlb', 'devices'] : [role ?? `sg:${rule.referenced_security_group_id}`];
    }
    const cidr = rule.cidr_ipv4 as string;
    const out: string[] = [];
    if (parties.deviceCidrs.includes(cidr)) out.push('devices');
    if (parties.adminCidrs.includes(cidr)) out.push('admins');
    return out.length > 0 ? out : [`cidr:${cidr}`];
  };
  const ingress = new Set<Flow>();
  const egress = new Set<Flow>();
  const egressByPeer: Array<{ from: string; to: string; protocol: string; port: number; description: string }> = [];
  for (const rule of Object.values(json.resource.aws_vpc_security_group_ingress_rule ?? {})) {
    const to = groupRole.get(rule.security_group_id as string);
    if (to === undefined || to === 'nlb') continue; // the load balancer's own listeners: checked with the listeners
    expect(rule.from_port).toBe(rule.to_port);
    for (const from of party(rule)) ingress.add(`${from}>${to} ${rule.ip_protocol}/${rule.from_port}`);
  }
  for (const rule of Object.values(json.resource.aws_vpc_security_group_egress_rule ?? {})) {
    const from = groupRole.get(rule.security_group_id as string) as string;
    if (from === 'nlb') continue;
    for (const to of party(rule)) {
      egress.add(`${from}>${to} ${rule.ip_protocol}/${rule.from_port}`);
      egressByPeer.push({ from, to, protocol: rule.ip_protocol as string, port: rule.from_port as number, description: rule.description as string });
    }
  }
  return { ingress, egress, egressByPeer };
}
