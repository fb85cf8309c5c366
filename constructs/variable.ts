import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { terraformLiteral } from './terraform-literal';

/** The one line Terraform stops with when TF_VAR_<name> is not set (short: Terraform wraps messages at 78 columns). */
export function unsetVariableMessage(name: string): string {
  return `TF_VAR_${name} is not set.`;
}

/**
 * A string Terraform variable with exactly this name (so users pass it as TF_VAR_<name>), never
 * nullable. Unset, it is empty, and its validation stops the plan with one line naming it
 * ({@link unsetVariableMessage}): without a default Terraform would prompt for the value, which
 * `cdktf deploy` runs it to do (examples/deploy.env.example lists every variable).
 */
export function namedVariable(scope: Construct, id: string, name: string, description: string, sensitive: boolean): TerraformVariable {
  const v = new TerraformVariable(scope, id, {
    type: 'string',
    description: terraformLiteral(description),
    sensitive,
    nullable: false,
    default: '',
    validation: [{ condition: `\${var.${name} != ""}`, errorMessage: terraformLiteral(unsetVariableMessage(name)) }],
  });
  v.overrideLogicalId(name);
  return v;
}
