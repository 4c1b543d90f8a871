import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export class MissingPathError extends Error {
  readonly userFacing = true;
}

export interface Collected {
  /** Every file to load, with the path the agent will cite. */
  files: { file: string; source: string }[];
  /** Ingested folders: documents under them that are gone get removed. */
  dirs: string[];
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
}

/** Expands the ingest arguments into files; a path that does not exist is an error, not a skip. */
export function collectPaths(paths: string[]): Collected {
  const missing = paths.filter((p) => !existsSync(p) && !isDanglingLink(p));
  if (missing.length) throw new MissingPathError(`no such file or directory: ${missing.join(', ')}`);
  const files = new Map<string, string>();
  const dirs: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    const base = path.dirname(abs);
    if (existsSync(abs) && statSync(abs).isDirectory()) {
      dirs.push(abs);
      const found: string[] = [];
      walk(abs, found);
      for (const f of found.sort()) if (!files.has(f)) files.set(f, path.relative(base, f));
    } else if (!files.has(abs)) {
      files.set(abs, path.basename(abs));
    }
  }
  return { files: [...files].map(([file, source]) => ({ file, source })), dirs };
}

function isDanglingLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
