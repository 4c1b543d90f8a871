import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive } from '../config/index.ts';

export class JobLockedError extends Error {
  readonly userFacing = true;
}

/**
 * One distillation job at a time: an exclusive-create lock file holding the owner's pid. A lock
 * left by a dead process (a crash, a kill -9) is taken over.
 */
export function acquireLock(file: string): () => void {
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (pid && alive(pid)) throw new JobLockedError(`another distillation job is running (pid ${pid}, lock ${file})`);
      rmSync(file, { force: true });
    }
  }
  throw new JobLockedError(`could not take the distillation lock ${file}`);
}
