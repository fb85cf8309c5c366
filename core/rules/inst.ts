/**
 * Installer rules. No IGEL source: the bootstrap downloads the installer over the network and must
 * refuse to run a file it cannot verify.
 */
import type { TopologyRule } from '../model/rule';

const SHA256 = /^[0-9A-Fa-f]{64}$/;

export const instRules: readonly TopologyRule[] = [
  {
    id: 'UMS-INST-001',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'The installer has a SHA-256 checksum',
    explanation: 'Every node downloads the installer and runs it as root; without a checksum to compare, a corrupted or replaced file would be installed on every host.',
    check({ doc }) {
      const sha = doc.spec.installer.sha256;
      if (sha === undefined) {
        return [
          {
            path: '/spec/installer/sha256',
            message: 'installer.sha256 is missing: the bootstrap refuses an installer it cannot verify; add the SHA-256 of the installer file (64 hexadecimal characters, e.g. from sha256sum)',
          },
        ];
      }
      if (SHA256.test(sha)) return [];
      const why = /^[0-9A-Fa-f]*$/.test(sha) ? `it has ${sha.length}` : 'it has other characters';
      return [{ path: '/spec/installer/sha256', message: `installer.sha256 must be 64 hexadecimal characters; ${why}: copy the full output of sha256sum` }];
    },
  },
];
