import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './schema.ts';

/** The repository root (where package.json, models/ and deploy/ live). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function resolveFromCwd(p: string): string {
  return path.resolve(p);
}

export function cacheDir(config: Config): string {
  return path.resolve(repoRoot, process.env.UNDERSTUDY_CACHE ?? config.cacheDir);
}

export function dataDir(config: Config): string {
  return resolveFromCwd(config.dataDir);
}

export function modelCacheDir(config: Config): string {
  return path.join(cacheDir(config), 'models');
}

/** The venv deploy/setup.sh builds: keyed by the requirements file's hash. */
export function venvPython(config: Config): string {
  const hash = createHash('sha256').update(readFileSync(path.join(repoRoot, 'deploy', 'requirements.txt'))).digest('hex').slice(0, 12);
  return path.join(cacheDir(config), `venv-${hash}`, 'bin', 'python');
}
