/**
 * The boot tests' guest images (image/build-image.sh): one per network renderer, built with
 * mmdebstrap from Debian 12 packages and cached between runs, keyed on the recipe (every file of
 * image/ and the renderer). The cache folder is UMS_HA_BOOT_CACHE, else /var/cache/ums-ha-boot
 * (README, "Boot tests"); an image whose recipe changed is rebuilt, older ones are removed.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Renderer = 'eni' | 'netplan';
export const RENDERERS: readonly Renderer[] = ['eni', 'netplan'];

const RECIPE_DIR = path.join(__dirname, 'image');
export const cacheRoot = (): string => process.env.UMS_HA_BOOT_CACHE || '/var/cache/ums-ha-boot';

export interface GuestImage {
  readonly renderer: Renderer;
  readonly root: string;
  readonly kernel: string;
  readonly initrd: string;
  /** Seconds the build took, 0 when it came from the cache. */
  readonly buildSeconds: number;
}

/** The recipe's key: SHA-256 over the renderer and every file of image/ (name and content). */
export function recipeKey(renderer: Renderer): string {
  const hash = crypto.createHash('sha256').update(`renderer=${renderer}\0`);
  for (const name of fs.readdirSync(RECIPE_DIR).sort()) {
    hash.update(`${name}\0`).update(fs.readFileSync(path.join(RECIPE_DIR, name))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The cached image of a renderer, built first when the cache has none for this recipe. */
export function guestImage(renderer: Renderer, log: (line: string) => void = () => undefined): GuestImage {
  const dir = path.join(cacheRoot(), `${renderer}-${recipeKey(renderer)}`);
  const files = { root: path.join(dir, 'root.img'), kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.img') };
  if (Object.values(files).every((f) => fs.existsSync(f))) return { renderer, ...files, buildSeconds: 0 };
  fs.mkdirSync(cacheRoot(), { recursive: true });
  for (const old of fs.readdirSync(cacheRoot()).filter((n) => n.startsWith(`${renderer}-`))) {
    fs.rmSync(path.join(cacheRoot(), old), { recursive: true, force: true });
  }
  log(`building the ${renderer} guest image into ${dir} (mmdebstrap, a few minutes)`);
  const started = Date.now();
  const staging = `${dir}.partial-${process.pid}`;
  const r = spawnSync('bash', [path.join(RECIPE_DIR, 'build-image.sh'), renderer, staging], { encoding: 'utf8', timeout: 30 * 60 * 1000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`building the ${renderer} guest image failed (exit ${r.status ?? r.signal}):\n${(r.stderr ?? '').split('\n').slice(-40).join('\n')}`);
  }
  fs.renameSync(staging, dir);
  return { renderer, ...files, buildSeconds: Math.round((Date.now() - started) / 1000) };
}
