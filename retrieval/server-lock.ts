import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { alive } from '../config/index.ts';

export interface ServerLock {
  pid: number;
  port: number;
}

/** The running server (its pid and port) recorded in a lock file, if that process is still alive. */
export function lockHolder(file: string): ServerLock | undefined {
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as ServerLock;
    return Number.isInteger(lock.pid) && alive(lock.pid) ? lock : undefined;
  } catch {
    return undefined;
  }
}

export function writeLock(file: string, lock: ServerLock): void {
  writeFileSync(file, JSON.stringify(lock) + '\n');
}

export function removeLock(file: string, pid: number): void {
  if (lockHolder(file)?.pid === pid || !lockHolder(file)) rmSync(file, { force: true });
}
