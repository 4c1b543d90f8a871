import path from 'node:path';
import type { Config } from '../config/index.ts';
import { resolveModel } from '../models/index.ts';
import { runPython, type PythonRun } from './python.ts';

export interface TrainReport {
  device: string;
  steps: number;
  lossBefore: { train: number; heldOut?: number };
  lossAfter: { train: number; heldOut?: number };
  trainLossCurve: number[];
  trainSeconds: number;
  totalSeconds: number;
}

/** The base weights: a configured HF checkpoint, else the student GGUF itself. */
export async function baseArgs(config: Config): Promise<string[]> {
  if (config.distill.baseModel) return ['--base-hf', config.distill.baseModel];
  return ['--base-gguf', await resolveModel(config, config.models.student)];
}

/** train.py's flags whose values the config owns (`distill.lora.*`, `distill.device`): train.py has no defaults for them. */
export function loraArgs(config: Config): string[] {
  const l = config.distill.lora;
  return [
    '--r', String(l.r), '--alpha', String(l.alpha), '--dropout', String(l.dropout), '--lr', String(l.learningRate),
    '--epochs', String(l.epochs), '--batch-size', String(l.batchSize), '--grad-accum', String(l.gradAccum),
    '--max-seq-len', String(l.maxSeqLen), '--max-steps', String(l.maxSteps), '--device', config.distill.device,
  ];
}

/** Starts training/train.py on `<dir>/train.jsonl`; a rerun on the same dir resumes from its checkpoints. */
export async function startTraining(config: Config, dir: string, log?: (chunk: string) => void): Promise<PythonRun> {
  const args = [
    '--train', path.join(dir, 'train.jsonl'), '--heldout', path.join(dir, 'heldout.jsonl'), '--out', dir,
    ...(await baseArgs(config)), ...loraArgs(config),
  ];
  return runPython(config, 'train.py', args, log);
}

/** training/convert_lora.py: `<dir>/adapter` (PEFT) -> `out` (GGUF LoRA for the student). */
export async function convertAdapter(config: Config, dir: string, out: string, log?: (chunk: string) => void): Promise<void> {
  const base = await resolveModel(config, config.models.student);
  await runPython(config, 'convert_lora.py', ['--adapter', path.join(dir, 'adapter'), '--base-gguf', base, '--out', out, '--outtype', config.distill.lora.outType], log).done;
}
