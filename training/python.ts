import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Config } from '../config/index.ts';
import { trainingScript, trainPython } from './paths.ts';

export class TrainerSetupError extends Error {
  readonly userFacing = true;
}

export interface PythonRun {
  child: ChildProcess;
  /** Resolves with the last line of stdout (the scripts print a JSON summary last). */
  done: Promise<string>;
}

/** Runs training/<script> in the trainer venv; its progress bar and logs go to `log` (stderr by default). */
export function runPython(config: Config, script: string, args: string[], log: (chunk: string) => void = (c) => process.stderr.write(c)): PythonRun {
  const python = trainPython(config);
  if (!existsSync(python)) throw new TrainerSetupError(`the trainer venv is missing (${python}); run \`bash deploy/setup.sh --train\``);
  const child = spawn(python, [trainingScript(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1', TOKENIZERS_PARALLELISM: 'false' } });
  let stdout = '';
  let tail = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    log(d.toString());
  });
  child.stderr!.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
    log(d.toString());
  });
  const done = new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout.trim().split('\n').at(-1) ?? '');
      else reject(new Error(`${script} failed (${signal ?? `exit ${code}`}): ${tail.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
  return { child, done };
}
