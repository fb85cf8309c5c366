/**
 * UMS_HA_BACKEND_FILE: the state backend of every stack, `{"type": "s3", "config": {...}}`.
 *
 * The file is written into every cdk.tf.json as it is, so it must hold no credentials: a setting
 * named like one (password, secret, token, access or secret key, private key, ...) or a URL with
 * a password (`conn_str: postgres://u:SECRET@db/...`) is refused, pointing to the environment
 * variables the backend reads them from. No message quotes a value or a fragment of the file.
 */
import { printable } from '../core/base/findings';
import { readBounded } from '../core/document/files';
import type { BackendConfig } from '../platforms/vsphere/stack';

/** Setting names that hold credentials in Terraform's backends. */
const CREDENTIAL_KEY = /(^|_)(password|passwd|pwd|secret|secret_key|access_key|token|access_token|session_token|sas_token|private_key|api_key|client_secret|client_certificate_password|master_key|auth)(_|$)/i;
/** `scheme://user:password@`: a password in a URL. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** Where each backend reads its credentials from (Terraform's backend documentation). */
const CREDENTIAL_ENV: Readonly<Record<string, string>> = {
  s3: 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or AWS_PROFILE',
  pg: 'PG_CONN_STR, or PGUSER and PGPASSWORD with conn_str left without a password',
  azurerm: 'ARM_ACCESS_KEY, ARM_SAS_TOKEN or ARM_CLIENT_ID and ARM_CLIENT_SECRET',
  gcs: 'GOOGLE_BACKEND_CREDENTIALS or GOOGLE_CREDENTIALS (a key file path or its content)',
  http: 'TF_HTTP_USERNAME and TF_HTTP_PASSWORD',
  consul: 'CONSUL_HTTP_TOKEN (and CONSUL_HTTP_AUTH)',
  remote: 'TF_TOKEN_<host> or the CLI configuration (terraform login)',
  cos: 'TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY',
  oss: 'ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY',
  kubernetes: 'KUBE_CONFIG_PATH or KUBE_TOKEN',
};

/** The first credential in the settings, as `where` (a dotted key path) and `why`; never the value. */
export function findCredential(config: unknown, at = ''): { where: string; why: string } | undefined {
  if (typeof config === 'string') {
    if (URL_PASSWORD.test(config)) return { where: at, why: 'holds a URL with a password' };
    if (/(^|[\s;])(password|pwd)\s*=/i.test(config)) return { where: at, why: 'holds a password' };
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----|"private_key"\s*:/.test(config)) return { where: at, why: 'holds a private key' };
    return undefined;
  }
  if (Array.isArray(config)) {
    for (let i = 0; i < config.length; i++) {
      const found = findCredential(config[i], `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (config && typeof config === 'object') {
    for (const [key, value] of Object.entries(config)) {
      const where = at ? `${at}.${key}` : key;
      if (CREDENTIAL_KEY.test(key) && ((typeof value === 'string' && value !== '') || (value !== null && typeof value === 'object'))) return { where, why: 'is a credential setting' };
      const found = findCredential(value, where);
      if (found) return found;
    }
  }
  return undefined;
}

/** Line and column of a JSON syntax error, from the parser's message (which quotes the text, so it is not shown). */
function syntaxPosition(text: string, err: SyntaxError): string {
  const m = /at position (\d+)/.exec(err.message);
  const offset = m ? Number(m[1]) : /Unexpected end/.test(err.message) ? text.length : undefined;
  if (offset === undefined) return 'a JSON syntax error';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `a JSON syntax error at line ${line}, column ${column}`;
}

/** The largest backend file read (a backend block is a few hundred bytes). */
export const MAX_BACKEND_FILE_BYTES = 64 * 1024;

/**
 * Reads UMS_HA_BACKEND_FILE; a problem is one line for the user. Read as a topology file is: a
 * regular file only (a FIFO, a device such as /dev/zero or a socket is refused without reading it,
 * never waited on) and at most MAX_BACKEND_FILE_BYTES.
 */
export function readBackendFile(file: string): BackendConfig | string {
  const what = `UMS_HA_BACKEND_FILE ${printable(file)}`;
  const read = readBounded(file, MAX_BACKEND_FILE_BYTES, 'backend file');
  if ('problem' in read) return `UMS_HA_BACKEND_FILE: ${read.problem}`;
  if (read.size > MAX_BACKEND_FILE_BYTES) return `${what}: the file is ${read.size.toLocaleString('en-US')} bytes; a backend file may be at most ${MAX_BACKEND_FILE_BYTES.toLocaleString('en-US')} bytes`;
  const text = read.bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return `${what}: not JSON (${syntaxPosition(text, err as SyntaxError)})`;
  }
  const b = parsed as { type?: unknown; config?: unknown };
  if (typeof b?.type !== 'string' || !/^[a-z0-9_]+$/.test(b.type) || !b.config || typeof b.config !== 'object' || Array.isArray(b.config)) {
    return `${what}: expected {"type": "<backend type>", "config": {...}}`;
  }
  const credential = findCredential(b.config);
  if (credential) {
    const env = CREDENTIAL_ENV[b.type] ?? `the environment variables of the ${b.type} backend`;
    return `${what}: config.${credential.where} ${credential.why}; the file is copied into every cdk.tf.json, so leave credentials out and set them in ${env}`;
  }
  return { type: b.type, config: b.config as Record<string, unknown> };
}
