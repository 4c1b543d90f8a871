import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir, type Config } from '../config/index.ts';
import type { LogStore, ModelVersionRecord } from '../store/index.ts';

// The student's model versions (the registry): `distill` writes them, serving reads the current one.

export class RegistryError extends Error {
  readonly userFacing = true;
}

/** What `<registry>/<version>/manifest.json` holds (the store keeps the same record). */
export type VersionManifest = ModelVersionRecord & { trainReport?: unknown; dataset?: unknown };

interface Pointer {
  /** null: the base student, no adapter. */
  version: string | null;
  /** Earlier pointers, newest last: what rollback goes back to. */
  history: (string | null)[];
  updatedAt: string;
}

/** `<dataDir>/models/<version>/` plus the `current` pointer. */
const registryDir = (config: Config) => path.join(dataDir(config), 'models');
const pointerFile = (config: Config) => path.join(registryDir(config), 'current.json');
export const versionDir = (config: Config, version: string) => path.join(registryDir(config), version);

function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

function readPointer(config: Config): Pointer {
  const f = pointerFile(config);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Pointer) : { version: null, history: [], updatedAt: new Date(0).toISOString() };
}

export function readManifest(config: Config, version: string): VersionManifest {
  const f = path.join(versionDir(config, version), 'manifest.json');
  if (!existsSync(f)) throw new RegistryError(`no model version "${version}" in ${registryDir(config)} (see \`understudy models list\`)`);
  return JSON.parse(readFileSync(f, 'utf8')) as VersionManifest;
}

export function listVersions(config: Config): VersionManifest[] {
  const dir = registryDir(config);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => existsSync(path.join(dir, d, 'manifest.json')))
    .map((d) => readManifest(config, d))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The next free version name: v1, v2, … */
export function nextVersion(config: Config): string {
  const dir = registryDir(config);
  const taken = existsSync(dir) ? readdirSync(dir).map((d) => Number(/^v(\d+)$/.exec(d)?.[1] ?? 0)) : [];
  return `v${Math.max(0, ...taken) + 1}`;
}

export async function saveManifest(config: Config, m: VersionManifest, store?: LogStore): Promise<void> {
  writeJsonAtomic(path.join(versionDir(config, m.version), 'manifest.json'), m);
  const { trainReport: _t, dataset: _d, ...record } = m;
  await store?.upsertModelVersion(record);
}

export interface StudentVersion {
  version: string | null;
  adapterPath: string | null;
}

/** The version the student should serve now; cheap enough to call between questions. */
export function currentStudentVersion(config: Config): StudentVersion {
  const { version } = readPointer(config);
  if (!version) return { version: null, adapterPath: null };
  const adapter = path.join(versionDir(config, version), 'adapter.gguf');
  return { version, adapterPath: existsSync(adapter) ? adapter : null };
}

export async function promote(config: Config, version: string, store?: LogStore): Promise<void> {
  const m = readManifest(config, version);
  if (!existsSync(path.join(versionDir(config, version), 'adapter.gguf'))) throw new RegistryError(`version ${version} has no adapter.gguf`);
  const p = readPointer(config);
  if (p.version === version) return;
  writeJsonAtomic(pointerFile(config), { version, history: [...p.history, p.version], updatedAt: new Date().toISOString() } satisfies Pointer);
  await saveManifest(config, { ...m, status: 'promoted', promotedAt: new Date().toISOString() }, store);
}

/** Goes back to the version served before the current one (the base student at the bottom). */
export async function rollback(config: Config, store?: LogStore): Promise<StudentVersion> {
  const p = readPointer(config);
  if (p.version === null && p.history.length === 0) throw new RegistryError('nothing to roll back: the base student is serving');
  const previous = p.history.at(-1) ?? null;
  writeJsonAtomic(pointerFile(config), { version: previous, history: p.history.slice(0, -1), updatedAt: new Date().toISOString() } satisfies Pointer);
  if (p.version) await saveManifest(config, { ...readManifest(config, p.version), status: 'rolled_back' }, store);
  return currentStudentVersion(config);
}

/**
 * Hot reload: calls `onChange` when the current pointer changes (a promote or rollback, from this
 * or another process). Bots apply it between questions; returns a function that stops watching.
 */
export function watchStudentVersion(config: Config, onChange: (v: StudentVersion) => void, intervalMs = 2000): () => void {
  const file = pointerFile(config);
  const mtime = () => (existsSync(file) ? statSync(file).mtimeMs : 0);
  let last = mtime();
  const timer = setInterval(() => {
    let now: number, version: StudentVersion;
    try {
      now = mtime();
      if (now === last) return;
      version = currentStudentVersion(config);
    } catch {
      return; // removed or unreadable right now: the next poll tries again
    }
    last = now;
    onChange(version);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
