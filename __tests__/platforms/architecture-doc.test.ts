/**
 * docs/architecture.md's "Where to add" for a platform agrees with the registry: it sends a
 * newcomer to the registry entry and docs/platforms.md, not to files that no longer name a
 * platform (main.ts, the rule catalog, core/rules/plat.ts) or to a schema enum that is a pattern now.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/cli';

const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'architecture.md'), 'utf8');
const bullet = /^- \*\*A platform\.\*\*[\s\S]*?(?=\n- \*\*|\n\n)/m.exec(doc)?.[0] ?? '';
const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas', 'topology.schema.json'), 'utf8'));

describe('docs/architecture.md, Where to add: a platform', () => {
  it('is there', () => {
    expect(bullet).not.toBe('');
  });

  it('links the step-by-step of docs/platforms.md and names the registry', () => {
    expect(bullet).toContain('(platforms.md#adding-a-platform)');
    expect(fs.readFileSync(path.join(repoRoot, 'docs', 'platforms.md'), 'utf8')).toContain('\n## Adding a platform\n');
    expect(bullet).toContain('`core/platform/registry.ts`');
    expect(bullet).toContain('`platforms/index.ts`');
  });

  it('does not say a platform is named in a schema enum (spec.platform is a pattern)', () => {
    const platform = schema.definitions.spec.properties.platform;
    expect(platform.enum).toBeUndefined();
    expect(platform.pattern).toBe('^[a-z][a-z0-9-]{0,30}$');
    expect(bullet).not.toMatch(/enum/);
  });

  it('does not send a newcomer to edit main.ts, the rule catalog or core/rules/plat.ts', () => {
    for (const file of ['main.ts', 'core/rules/index.ts', 'core/rules/plat.ts']) expect(bullet).not.toContain(`\`${file}\``);
  });
});
