import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: { name: string; version: string } | undefined;

/** name and version from the package's package.json (found from the source or the built tree). */
export function packageInfo(): { name: string; version: string } {
  if (cached) return cached;
  for (const up of ['..', '../..']) {
    const file = path.join(__dirname, up, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; version: string };
      cached = { name: pkg.name, version: pkg.version };
      return cached;
    }
  }
  return { name: 'ums-ha', version: '0.0.0' };
}
