import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, repoRoot, type Config } from '../../config/index.ts';

export const sharedData = process.env.UNDERSTUDY_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `understudy-${prefix}-`));
}

/** Defaults plus a fresh data dir (so the local Chroma keeps its files there); only the env given, no config file. */
export function testConfig(overrides: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ env, file: undefined, overrides: { dataDir: tempDir('data'), ...overrides } });
}
