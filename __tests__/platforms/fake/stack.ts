/**
 * The fake platform's stack (a test fixture): no provider, one Terraform output per node built
 * from the resolved topology, after the same validation every platform's topology construct runs
 * (constructs/validated.ts: the rules, UMS-PLAT-005 for another platform's topology).
 */
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { UmsHaTopologyDocument } from '../../../core/document/generated/topology-types';
import type { SourceMap } from '../../../core/document/source';
import { validateForConstruct } from '../../../constructs/validated';
import type { ResolvedTopology } from '../../../core/model/model';

export interface FakeStackProps {
  readonly topology: UmsHaTopologyDocument;
  readonly sourceFile?: string;
  readonly sourceMap?: SourceMap;
}

export class FakeStack extends TerraformStack {
  readonly resolved: ResolvedTopology;

  constructor(scope: Construct, id: string, props: FakeStackProps) {
    super(scope, id);
    const t = validateForConstruct(this, scope, id, props, 'fake').topology;
    this.resolved = t;
    new TerraformOutput(this, 'platform', { value: t.platform });
    for (const node of t.nodes) {
      new TerraformOutput(this, `node-${node.name}`, { value: { vm: node.vmName, ip: node.ip ?? '', roles: node.roles.join(','), mac: node.mac ?? 'none' } });
    }
  }
}
