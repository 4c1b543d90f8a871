// npm run bench:gpu — the student on a CUDA host (after `deploy/gpu-node.sh build`), measured in
// one run on the same GGUF and questions:
//   1. single-stream decode tokens/s through understudy over llama.cpp's own llama-bench built
//      from the same sources (goal ≥ 90%)
//   2. SAG step time N=8 over N=1, cold (goal ≤ 1.3×)
//   3. questions/s with 16 questions at once over one at a time, each on its own slot of the
//      shared context (goal ≥ 8×)
//   4. end-to-end latency p50/p95 from `understudy eval` reports given in BENCH_EVAL_REPORTS
// BENCH_PARTS (default decode,sag,throughput,latency), BENCH_QUESTIONS (default 16) and
// LLAMA_BENCH (default: llama-bench on PATH) adjust it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readDataset, type EvalReport } from '../agent/eval.ts';
import { runQuestion } from '../agent/run.ts';
import { LlamaActionModel } from '../agent/student.ts';
import { loadConfig, repoRoot } from '../config/index.ts';
import { disposeModels, resolveModel, sharedLlama } from '../models/index.ts';

const shared = process.env.UNDERSTUDY_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');
const count = Number(process.env.BENCH_QUESTIONS ?? 16);
const N = 8;
const DECODE_TOKENS = 128;
const config = loadConfig({ overrides: { 'agent.maxSteps': 3 } });
const items = readDataset(path.join(shared, 'math', 'gsm8k_dev.jsonl'), count);
const rows: [string, string, string][] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const parts = new Set((process.env.BENCH_PARTS ?? 'decode,sag,throughput,latency').split(','));
const llama = await sharedLlama();
console.error(`backend ${llama.gpu || 'cpu'}, student ${config.models.student}`);

// 1. Decode speed: understudy's generate() vs llama-bench's tg test on the same file.
if (parts.has('decode')) {
const modelFile = await resolveModel(config, config.models.student);
const bench = spawnSync(process.env.LLAMA_BENCH ?? 'llama-bench', ['-m', modelFile, '-p', '0', '-n', String(DECODE_TOKENS), '-ngl', '99', '-r', '5', '-o', 'json'], { encoding: 'utf8' });
if (bench.status !== 0) throw new Error(`llama-bench failed: ${bench.stderr || bench.error}`);
const llamaTs = (JSON.parse(bench.stdout) as { avg_ts: number }[])[0]!.avg_ts;
const single = await LlamaActionModel.create(config, 'student', 1);
const prompts = ['Write a long story about a lighthouse keeper.', 'Explain in detail how a compiler works.', 'Describe the history of Rome at length.'];
const ours: number[] = [];
for (const p of [prompts[0]!, ...prompts]) {
  await single.clearCache();
  const g = await single.generate([{ role: 'user', content: p }], { n: 1, maxTokens: DECODE_TOKENS, temperature: 0, topP: 1, stop: [] });
  ours.push(g.completionTokens / (g.decodeMs / 1000));
}
const oursTs = median(ours.slice(1)); // the first run warms up
rows.push(['decode tokens/s, understudy (median of 3)', oursTs.toFixed(1), '']);
rows.push([`decode tokens/s, llama-bench tg${DECODE_TOKENS}`, llamaTs.toFixed(1), '']);
rows.push(['understudy / llama-bench', `${((100 * oursTs) / llamaTs).toFixed(1)}%`, '≥ 90%']);
await single.close();
}

// 2. SAG: the first step of the same questions, cold, at N=1 and N=8.
if (parts.has('sag')) {
const single = await LlamaActionModel.create(config, 'student', N);
const step: Record<number, number[]> = { 1: [], [N]: [] };
for (const item of items.slice(0, 8)) {
  for (const n of [1, N]) {
    await single.clearCache();
    const run = await runQuestion({ ...config, agent: { ...config.agent, maxSteps: 1 } }, null, 'student', single, { question: item.question }, n);
    step[n]!.push(run.steps[0]!.latencyMs);
  }
}
await single.close();
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
rows.push([`SAG step time N=${N} / N=1 (${step[1]!.length} questions)`, `${(sum(step[N]!) / sum(step[1]!)).toFixed(2)}×`, '≤ 1.30×']);
}

// 3. Throughput: the same questions one at a time, then all at once on their own slots.
for (const n of parts.has('throughput') ? [1, N] : []) {
  const pool = await LlamaActionModel.create(config, 'student', n, items.length);
  const t0 = performance.now();
  for (const item of items) await runQuestion(config, null, 'student', pool, { question: item.question }, n);
  const serial = performance.now() - t0;
  await pool.clearCache();
  const t1 = performance.now();
  await Promise.all(items.map((item) => runQuestion(config, null, 'student', pool, { question: item.question }, n)));
  const together = performance.now() - t1;
  await pool.close();
  rows.push([`questions/s, ${items.length} at once / one at a time (N=${n})`, `${(serial / together).toFixed(2)}×`, '≥ 8×']);
  rows.push([`  one at a time / at once (N=${n})`, `${((items.length * 1000) / serial).toFixed(2)} / ${((items.length * 1000) / together).toFixed(2)} q/s`, '']);
}
await disposeModels();

// 4. End-to-end latency of full eval runs (understudy eval --report FILE).
for (const file of parts.has('latency') ? (process.env.BENCH_EVAL_REPORTS ?? '').split(',').filter(Boolean) : []) {
  const r = JSON.parse(readFileSync(file, 'utf8')) as EvalReport;
  const ms = r.rows.map((x) => x.latencyMs);
  rows.push([`latency p50/p95, ${path.basename(r.dataset)} ×${r.count} N=${r.sagN}`, `${(pct(ms, 0.5) / 1000).toFixed(2)} / ${(pct(ms, 0.95) / 1000).toFixed(2)} s`, '']);
}

console.log(`bench:gpu — ${llama.gpu || 'cpu'} ${(await llama.getGpuDeviceNames()).join(', ')}, student ${config.models.student}`);
for (const [what, value, goal] of rows) console.log(`${what.padEnd(56)} ${value.padStart(16)}  ${goal}`);
