import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { terraformLiteral } from './terraform-literal';

/** A string Terraform variable with exactly this name (so users pass it as TF_VAR_<name>), never nullable, no default. */
export function namedVariable(scope: Construct, id: string, name: string, description: string, sensitive: boolean): TerraformVariable {
  const v = new TerraformVariable(scope, id, { type: 'string', description: terraformLiteral(description), sensitive, nullable: false });
  v.overrideLogicalId(name);
  return v;
}
