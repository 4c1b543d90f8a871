import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheDir, loadConfig, repoRoot, type Config } from '../../config/index.ts';
import { manifest } from '../../models/index.ts';
import { collectFromGenerated } from '../../training/collect.ts';
import type { GeneratedRecord } from '../../training/generate.ts';
import { trainPython } from '../../training/paths.ts';
import { studentPrompt } from '../../training/prompts.ts';
import { writeSftSet } from '../../training/sft-set.ts';
import { convertAdapter, startTraining } from '../../training/train.ts';
import type { LogStore, ModelVersionRecord, QuestionDetail, TrajectoryRecord } from '../../store/types.ts';

/** A config on a fresh data dir; the tiny model stands in for the student. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'distill-'));
  return loadConfig({ env: {}, overrides: { dataDir, models: { student: 'tiny', contextSize: 2048 }, ...overrides } });
}

/**
 * An arithmetic trajectory in the harness's format; `corrupt` hands in a wrong answer; `short`
 * answers in one step (fewer tokens for the CPU training tests).
 */
export function arithmeticRecord(a: number, b: number, opts: { corrupt?: boolean; short?: boolean } = {}): GeneratedRecord {
  const sum = opts.corrupt ? a * b + 3 : a + b;
  const steps = opts.short ? [
    { index: 0, thought: `${a} plus ${b}.`, code: `final_answer(${opts.corrupt ? `${a} * ${b} + 3` : `${a} + ${b}`});`, observation: '', error: null, latencyMs: 1, promptTokens: 0, completionTokens: 10 },
  ] : [
    { index: 0, thought: `I add ${a} and ${b}.`, code: `const s = ${a} + ${b};\nconsole.log(s);`, observation: String(a + b), error: null, latencyMs: 1, promptTokens: 0, completionTokens: 10 },
    { index: 1, thought: `The sum is ${sum}.`, code: `final_answer(${sum});`, observation: '', error: null, latencyMs: 1, promptTokens: 0, completionTokens: 5 },
  ];
  return { question: `What is ${a} plus ${b}?`, answer: String(a + b), steps, finalAnswer: String(sum), outcome: 'final', latencyMs: 2, completionTokens: 15, firstThought: null, model: 'test', kept: true };
}

export function writeGenerated(dir: string, records: GeneratedRecord[]): string {
  const file = path.join(dir, 'generated.jsonl');
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

/** The part of the LogStore the job uses, in memory. */
export function fakeStore(trajectories: TrajectoryRecord[] = [], details: Record<string, QuestionDetail> = {}): LogStore & { versions: ModelVersionRecord[] } {
  const versions: ModelVersionRecord[] = [];
  const store = {
    versions,
    listTrajectories: async (f: { role?: string; outcome?: string; curation?: string }) =>
      trajectories.filter((t) => (!f.role || t.role === f.role) && (!f.outcome || t.outcome === f.outcome) && (!f.curation || t.curation === f.curation)),
    getQuestion: async (id: string) => details[id],
    upsertModelVersion: async (v: ModelVersionRecord) => {
      const i = versions.findIndex((x) => x.version === v.version);
      if (i >= 0) versions[i] = v;
      else versions.push(v);
    },
    listModelVersions: async () => versions,
    close: async () => {},
  };
  return store as unknown as LogStore & { versions: ModelVersionRecord[] };
}

/**
 * A real GGUF LoRA adapter for the tiny model (two optimizer steps of train.py on a few arithmetic
 * trajectories, then convert_lora.py), built once and cached in `<cacheDir>/test-adapters/`
 * under a key of the model and the two scripts. Null when the trainer venv is missing
 * (`deploy/setup.sh --train`).
 */
export async function tinyAdapter(): Promise<string | null> {
  const config = testConfig({ engine: { jobThreads: 1 }, distill: { lora: { r: 4, alpha: 8, epochs: 1, batchSize: 2, gradAccum: 1, maxSeqLen: 512, maxSteps: 2 } } });
  if (!existsSync(trainPython(config))) return null;
  const key = createHash('sha256')
    .update(manifest().tiny!.sha256)
    .update(readFileSync(path.join(repoRoot, 'training', 'train.py')))
    .update(readFileSync(path.join(repoRoot, 'training', 'convert_lora.py')))
    .digest('hex')
    .slice(0, 12);
  const file = path.join(cacheDir(config), 'test-adapters', `tiny-${key}.gguf`);
  if (existsSync(file)) return file;
  const dir = path.join(config.dataDir, 'set');
  const records = ([[3, 4], [5, 2], [6, 7], [8, 1]] as const).map(([a, b]) => arithmeticRecord(a, b, { short: true }));
  writeSftSet(collectFromGenerated(writeGenerated(config.dataDir, records)), { dir, systemPrompt: studentPrompt(config), heldOutShare: 0 });
  await (await startTraining(config, dir, () => {})).done;
  const tmp = `${file}.${process.pid}.tmp.gguf`;
  await convertAdapter(config, dir, tmp, () => {});
  renameSync(tmp, file);
  rmSync(config.dataDir, { recursive: true, force: true });
  return file;
}
