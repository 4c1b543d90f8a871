import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { alive } from '../config/index.ts';

export class JobLockedError extends Error {
  readonly userFacing = true;
}

/**
 * How often a held lock's mtime is refreshed, and how old it may grow before another host takes it
 * over: well under the queue's claim on a nightly run (queue.lockMs, 30 s), so a run handed to
 * another host after its process died finds the dead run's lock stale.
 */
const HEARTBEAT_MS = 2_000;
const STALE_MS = 10_000;

/** Lock files this process holds. */
const held = new Set<string>();

/**
 * Whether the lock's owner is gone. On the owner's host its pid says so; a lock holding this
 * process's own pid that this process does not hold is a former life's (a container restarted with
 * the same pid, often 1). Another host (a container sharing the data volume has its own pids) is
 * gone when its heartbeat stopped.
 */
function stale(file: string, pid: number, host: string): boolean {
  if (host !== hostname()) return Date.now() - statSync(file).mtimeMs > STALE_MS;
  return !pid || !alive(pid) || (pid === process.pid && !held.has(file));
}

const touch = (file: string) => {
  try {
    utimesSync(file, new Date(), new Date());
  } catch {
    // gone (taken over after a stall longer than STALE_MS): release() still cleans up
  }
};

/**
 * One distillation job at a time: an exclusive-create lock file holding the owner's pid and host,
 * its mtime refreshed while held. A lock left by a dead process (a crash, a kill -9) is taken over.
 */
export function acquireLock(file: string): () => void {
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid} ${hostname()}`, { flag: 'wx' });
      held.add(file);
      const heartbeat = setInterval(() => touch(file), HEARTBEAT_MS);
      heartbeat.unref();
      return () => {
        clearInterval(heartbeat);
        held.delete(file);
        rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock written before hosts were recorded holds the pid alone: it is this host's.
      const [pid, host = hostname()] = readFileSync(file, 'utf8').trim().split(' ');
      if (!stale(file, Number(pid), host)) throw new JobLockedError(`another distillation job is running (pid ${pid} on ${host}, lock ${file})`);
      rmSync(file, { force: true });
    }
  }
  throw new JobLockedError(`could not take the distillation lock ${file}`);
}
