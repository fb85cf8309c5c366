import { Token } from 'cdktf';

/**
 * Every literal string ums-ha writes into Terraform JSON goes through here, so that Terraform reads
 * it as that literal and never as a template: in Terraform's JSON syntax a string is a template,
 * where `${` starts an interpolation and `%{` a directive (if / for), and `$${` / `%%{` are their
 * escapes (every other `$` and `%` stands for itself, so `$$${` is `$$` and an escaped `${`).
 * cdktf escapes neither of them for a plain string. A topology field that reaches Terraform (names
 * of the datacenter, cluster, datastore, template, folder, port group, switch, VMs, tags, rules,
 * descriptions, outputs, the backend's settings) must be a name, never an expression evaluated
 * against the stack's variables (`%{ if length(var.vsphere_password) > 3 }` would make a looked-up
 * name depend on a secret).
 *
 * Values that are cdktf tokens (references to other resources or variables) are expressions on
 * purpose and must not be passed: a value that holds one, or whose escaped form cdktf would read as
 * one, is refused with an Error rather than written as something else than the literal.
 */
export function terraformLiteral(value: string): string {
  const escaped = value.replace(/([$%])\{/g, '$1$1{');
  if (Token.isUnresolved(escaped)) {
    throw new Error(`terraformLiteral: ${JSON.stringify(value.slice(0, 80))} holds a cdktf token; pass references as they are, literals only here`);
  }
  return escaped;
}

/** {@link terraformLiteral} for every string inside a JSON-like value (arrays, plain objects); object keys must be literal names already. */
export function terraformLiterals<T>(value: T): T {
  if (typeof value === 'string') return terraformLiteral(value) as T;
  if (Array.isArray(value)) return value.map((v) => terraformLiterals(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, terraformLiterals(v)])) as T;
  }
  return value;
}
