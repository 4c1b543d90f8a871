import type { Config } from '../config/index.ts';
import { LocalModel } from '../engine/index.ts';

/** The student: the configured GGUF with its LoRA adapter, with room for `slots` questions of `n` SAG candidates each. */
export function loadStudent(config: Config, n: number, slots = 1): Promise<LocalModel> {
  return LocalModel.load(config, { model: config.models.student, adapter: config.models.studentAdapter ?? null, sequences: n, slots });
}
