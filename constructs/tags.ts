import { Tag } from '@cdktf/provider-vsphere/lib/tag';
import { TagCategory } from '@cdktf/provider-vsphere/lib/tag-category';
import { Construct } from 'constructs';
import type { Role } from '../core/model/model';
import { terraformLiteral } from './terraform-literal';

/** Props of {@link UmsHaTags}. */
export interface UmsHaTagsProps {
  /** The topology name (`metadata.name`). */
  readonly topologyName: string;
}

/**
 * vSphere tags for the VMs: one category per HA network (`ums-ha-<name>`; category names are
 * global in vCenter, so two networks never collide), a tag for the network and one per role.
 */
export class UmsHaTags extends Construct {
  readonly category: TagCategory;
  /** `topology-<name>`, on every VM of the network. */
  readonly topologyTag: Tag;
  private readonly roleTags: Record<Role, Tag>;
  /** Tag ids read once (every attribute read is a new token). */
  private readonly ids: { topology: string; roles: Record<Role, string> };

  constructor(scope: Construct, id: string, props: UmsHaTagsProps) {
    super(scope, id);
    this.category = new TagCategory(this, 'Category', {
      name: terraformLiteral(`ums-ha-${props.topologyName}`),
      description: terraformLiteral(`IGEL UMS HA network ${props.topologyName} (managed by ums-ha)`),
      cardinality: 'MULTIPLE',
      associableTypes: ['VirtualMachine'],
    });
    const tag = (tagId: string, name: string, description: string) => new Tag(this, tagId, { categoryId: this.category.id, name: terraformLiteral(name), description: terraformLiteral(description) });
    this.topologyTag = tag('Topology', `topology-${props.topologyName}`, 'VMs of this IGEL UMS HA network');
    this.roleTags = {
      server: tag('Server', 'role-server', 'runs a UMS Server'),
      loadBalancer: tag('LoadBalancer', 'role-load-balancer', 'runs a UMS Load Balancer'),
    };
    this.ids = { topology: this.topologyTag.id, roles: { server: this.roleTags.server.id, loadBalancer: this.roleTags.loadBalancer.id } };
  }

  /** Tag ids for a VM with these roles. */
  tagIds(roles: readonly Role[]): string[] {
    return [this.ids.topology, ...roles.map((r) => this.ids.roles[r])];
  }
}
