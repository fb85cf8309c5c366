import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLUSTER_CERT_FILE, SERVER_CA_FILE } from '../../topology/external-lb';

/**
 * A throwaway self-signed certificate made with openssl at test time (never a key in the repo),
 * laid out as the generated load balancer expects its TLS folder: the Cluster Address's chain and
 * key, and the CA file it verifies the (fake) UMS Servers with. Returns the paths.
 */
export function makeTlsDir(dir: string, altNames: readonly string[]): { dir: string; cert: string; key: string } {
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, 'fake-cert.pem');
  const key = path.join(dir, 'fake-key.pem');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=fake-ums', '-addext', `subjectAltName=${altNames.join(',')}`],
    { encoding: 'utf8', timeout: 30000 },
  );
  if (r.status !== 0) throw new Error(`openssl req: ${r.stderr}`);
  fs.writeFileSync(path.join(dir, CLUSTER_CERT_FILE), fs.readFileSync(cert, 'utf8') + fs.readFileSync(key, 'utf8'));
  fs.copyFileSync(cert, path.join(dir, SERVER_CA_FILE));
  return { dir, cert, key };
}
