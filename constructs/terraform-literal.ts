/**
 * Every literal string ums-ha writes into Terraform JSON goes through here, so that Terraform reads
 * it as that literal and never as a template: in Terraform's JSON syntax a string is a template,
 * where `${` starts an interpolation and `%{` a directive (if / for), and `$${` / `%%{` are their
 * escapes. cdktf escapes neither of them for a plain string. A topology field that reaches
 * Terraform (names of the datacenter, cluster, datastore, template, folder, port group, switch...)
 * must be a name, never an expression evaluated against the stack's variables.
 *
 * Values that are cdktf tokens (references to other resources or variables) must not be passed:
 * they are expressions on purpose.
 */
export function terraformLiteral(value: string): string {
  return value.replace(/([$%])\{/g, '$1$1{');
}
