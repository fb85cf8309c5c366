/**
 * Credential shapes in any string of a topology: a value that holds a password, a token or a
 * presigned signature, whatever field it was written in. UMS-DB-002 reports them (by pointer,
 * never by value), and every message and report that would quote a value hides it instead.
 */

/** user:password@host, in a URL or not (`igelums:SECRET@db.example.internal`). */
const USER_PASSWORD_AT = /(?:^|[\s/;,=])[^\s:@/;,=]+:[^\s@/]+@[^\s@]/;
/** key=value pairs whose key names a secret (`rmdb;password=SECRET`, `Pwd=...`). */
const SECRET_PAIR = /(?:^|[\s;,&?#])[A-Za-z0-9_-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key)\s*=\s*[^\s;&]/i;
/** Query parameters of presigned URLs (S3, GCS, Azure SAS, CloudFront): they expire and are credentials. */
const SIGNATURE = /[?&](?:x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|signature|sig|se|awsaccesskeyid|key-pair-id|policy|token|access_token)=/i;
/** Well-known secret formats. */
const KNOWN_SECRET = /-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bBearer\s+\S{8,}|\bgh[pousr]_[A-Za-z0-9]{20,}/;
/** Keys that name an account: a `user` holding `name:secret` carries the password after the colon. */
const ACCOUNT_KEY = /(?:^|[^a-z])(?:user(?:name)?|login|account)$/i;
/** A whole value `name:secret` in any field (not `host:8443`, not IPv6): a user and a password. */
const USER_COLON_SECRET = /^[^\s:@/]+:(?![0-9]+$)[^\s:@/]+$/;

/**
 * What credential `value` (at a key named `key`) looks like, for a message ("a password after
 * user:"), or undefined when it looks like none.
 */
export function credentialShape(value: string, key = ''): string | undefined {
  if (SIGNATURE.test(value)) return 'a presigned URL (its signature is a credential, and it expires)';
  if (USER_PASSWORD_AT.test(value)) return 'a password (user:password@host)';
  if (SECRET_PAIR.test(value)) return 'a password or token (a secret=value pair)';
  if (KNOWN_SECRET.test(value)) return 'a private key or an access token';
  if ((ACCOUNT_KEY.test(key) && /[^:]:[^:]/.test(value)) || USER_COLON_SECRET.test(value)) return 'a password (user:password)';
  return undefined;
}

/** The value, or `(value hidden)` when it looks like a credential: for anything that quotes a value. */
export function withoutCredentials(value: string, key = ''): string {
  return credentialShape(value, key) === undefined ? value : '(value hidden: it looks like a credential)';
}

/** Every string of `value` (a topology as read) that looks like a credential, with its key. */
function credentialStrings(value: unknown): string[] {
  const found: string[] = [];
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, key] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (credentialShape(v, key) !== undefined) found.push(v);
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push([item, key]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) stack.push([item, k]);
    }
  }
  // Longest first, so a value that contains another is hidden whole.
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

/**
 * A copy of `output` (a report model, a summary) in which every credential-shaped string of the
 * topology `source`, wherever it was copied or derived to (a VM name made from metadata.name), is
 * replaced by `(value hidden)`. Returns `output` itself when the topology has none.
 */
export function hideCredentials<T>(output: T, source: unknown): T {
  const secrets = credentialStrings(source);
  if (secrets.length === 0) return output;
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return secrets.reduce((s, secret) => s.split(secret).join('(value hidden)'), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(output) as T;
}
