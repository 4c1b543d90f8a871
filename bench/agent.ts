// npm run bench:agent — on the same GSM8K-dev questions, measured in one run:
//   SAG step time with N=8 over N=1 (goal ≤ 1.5×), end-to-end wall over the model's own
//   prefill+decode time (goal ≤ 1.10×), and tokens/s.
// BENCH_QUESTIONS (default 3) and BENCH_MAX_TOKENS (default 128) keep it short on a small CPU;
// the config's env variables apply (e.g. UNDERSTUDY_ENGINE_THREADS=1 on a busy CPU).
import path from 'node:path';
import { loadStudent, readDataset, runQuestion } from '../agent/index.ts';
import { loadConfig, repoRoot } from '../config/index.ts';
import { disposeModels } from '../engine/index.ts';
import { Sandbox } from '../sandbox/index.ts';

const shared = process.env.UNDERSTUDY_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');
const count = Number(process.env.BENCH_QUESTIONS ?? 3);
const maxTokens = Number(process.env.BENCH_MAX_TOKENS ?? 128);
const N = 8;
const config = loadConfig({ overrides: { 'agent.maxSteps': 1, 'agent.maxTokensPerStep': maxTokens } });
const items = readDataset(path.join(shared, 'math', 'gsm8k_dev.jsonl'), { limit: count });
// As createAgent does: the sandbox process starts beside the model, not in the first question.
const sandboxReady = Sandbox.warmUp(config.sandbox.memoryMb);
const student = await loadStudent(config, N);
await sandboxReady;

interface Totals {
  step: number;
  wall: number;
  model: number;
  tokens: number;
}
const totals: Record<number, Totals> = { 1: { step: 0, wall: 0, model: 0, tokens: 0 }, [N]: { step: 0, wall: 0, model: 0, tokens: 0 } };
for (const item of items) {
  for (const n of [1, N]) {
    await student.clearCache();
    const run = await runQuestion(config, null, 'student', student, { question: item.question }, n);
    const first = run.steps[0]!;
    const t = totals[n]!;
    t.step += first.latencyMs;
    t.wall += run.latencyMs;
    t.model += run.modelMs;
    t.tokens += run.completionTokens;
    console.error(`q${item.id} N=${n}: step ${(first.latencyMs / 1000).toFixed(1)} s, run ${(run.latencyMs / 1000).toFixed(1)} s, model ${(run.modelMs / 1000).toFixed(1)} s, ${run.completionTokens} tokens`);
  }
}
await student.close();
await disposeModels();

const one = totals[1]!;
const many = totals[N]!;
const rows: [string, string, string][] = [
  [`SAG step time N=${N} / N=1`, `${(many.step / one.step).toFixed(2)}×`, '≤ 1.50×'],
  ['end-to-end wall / model prefill+decode (N=1)', `${(one.wall / one.model).toFixed(3)}×`, '≤ 1.10×'],
  [`end-to-end wall / model prefill+decode (N=${N})`, `${(many.wall / many.model).toFixed(3)}×`, '≤ 1.10×'],
  ['tokens/s N=1', (one.tokens / (one.model / 1000)).toFixed(1), ''],
  [`tokens/s N=${N} (all candidates)`, (many.tokens / (many.model / 1000)).toFixed(1), ''],
  ['mean first-step time N=1', `${(one.step / items.length / 1000).toFixed(1)} s`, ''],
  [`mean first-step time N=${N}`, `${(many.step / items.length / 1000).toFixed(1)} s`, ''],
];
console.log(`bench:agent — ${items.length} GSM8K-dev questions, student ${student.name}, max ${maxTokens} tokens/step, threads ${config.engine.threads || 'auto'}`);
for (const [what, value, goal] of rows) console.log(`${what.padEnd(48)} ${value.padStart(9)}  ${goal}`);
