import { Testing } from 'cdktf';
import { decodeGuestinfo } from '../../bootstrap/cloud-init';
import { UmsHaStack, type UmsHaStackProps } from '../../platforms/vsphere/stack';

/** The synthesized Terraform JSON of one stack (offline: no provider download, no terraform init). */
export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  variable: Record<string, { sensitive?: boolean; default?: unknown }>;
  output: Record<string, { value: unknown }>;
}

export function synthStack(props: UmsHaStackProps): { json: TerraformJson; text: string; stack: UmsHaStack } {
  const app = Testing.app();
  const stack = new UmsHaStack(app, props.topology.metadata.name, props);
  const text = Testing.synth(stack);
  return { json: JSON.parse(text) as TerraformJson, text, stack };
}

export function resources(json: TerraformJson, type: string): Array<Record<string, unknown>> {
  return Object.values(json.resource[type] ?? {});
}

/** The VMs in install order (servers ums1.., then load balancers lb1..), as the topology lists them. */
export function vms(json: TerraformJson): Array<Record<string, any>> {
  const byName = json.resource.vsphere_virtual_machine ?? {};
  const order = (id: string) => [id.startsWith('lb') ? 1 : 0, Number(id.replace(/\D/g, '')), id] as const;
  return Object.keys(byName)
    .sort((a, b) => {
      const [x, y] = [order(a), order(b)];
      return x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : 1);
    })
    .map((id) => byName[id] as Record<string, any>);
}

export function decode(vm: Record<string, any>, key: 'guestinfo.metadata' | 'guestinfo.userdata'): string {
  return decodeGuestinfo(vm.extra_config[key] as string, vm.extra_config[`${key}.encoding`] as string);
}
