import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLUSTER_CERT_FILE, EST_CA_FILE, SERVER_CA_FILE } from '../../core/configs/external-lb';

/**
 * A throwaway self-signed certificate made with openssl at test time (never a key in the repo),
 * laid out as the generated load balancer expects its TLS folder: the Cluster Address's chain and
 * key, the CA file it verifies the (fake) UMS Servers with, and a fake EST CA for SSL offloading.
 * Returns the paths.
 */
export function makeTlsDir(dir: string, altNames: readonly string[]): { dir: string; cert: string; key: string; estCa: TestCa } {
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
  // A fake EST CA (as the UMS would export it), which signs the fake devices' client certificates.
  const estCa = makeCa(dir, 'fake-est-ca');
  fs.copyFileSync(estCa.cert, path.join(dir, EST_CA_FILE));
  return { dir, cert, key, estCa };
}

function openssl(...args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
}

export interface TestCa {
  readonly cert: string;
  readonly key: string;
}

/** A throwaway self-signed CA named `name` (files `<name>.pem` and `<name>.key` in `dir`). */
export function makeCa(dir: string, name: string): TestCa {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  return { cert, key };
}

/** A throwaway self-signed server certificate for CN `name` with these subjectAltNames. */
export function makeServerCert(dir: string, name: string, altNames: readonly string[]): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${altNames.join(',')}`);
  return { cert, key };
}

/** A client certificate for CN `name` signed by `ca` (files `<name>.pem` and `<name>.key` in `dir`). */
export function makeClientCert(dir: string, name: string, ca: TestCa): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext);
  return { cert, key };
}
