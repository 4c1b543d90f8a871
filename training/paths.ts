import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, dataDir, repoRoot, type Config } from '../config/index.ts';

/** Scratch space of one job run (SFT set, checkpoints, adapter) until it becomes a version. */
export function runsDir(config: Config): string {
  return path.join(dataDir(config), 'distill');
}

/** The trainer's venv (deploy/setup.sh --train), keyed by requirements-train.txt's hash. */
export function trainPython(config: Config): string {
  if (process.env.UNDERSTUDY_TRAIN_PYTHON) return process.env.UNDERSTUDY_TRAIN_PYTHON;
  const hash = createHash('sha256').update(readFileSync(path.join(repoRoot, 'deploy', 'requirements-train.txt'))).digest('hex').slice(0, 12);
  return path.join(cacheDir(config), `venv-train-${hash}`, 'bin', 'python');
}

export function trainingScript(name: string): string {
  return path.join(repoRoot, 'training', name);
}
