// npm run bench:gpu — the student on a CUDA host (after `deploy/gpu-node.sh build`), measured in
// one run on the same GGUF and questions:
//   0. whether batched multi-sequence decode gives the model's greedy text on this build
//   1. single-stream decode tokens/s through understudy (decode rounds in the addon, and through
//      node-llama-cpp's token loop) over llama.cpp's own llama-bench built
//      from the same sources (goal ≥ 90%)
//   1b. where a decode round's time goes (llama.cpp decode, native sampling, the rest), and what
//       gaps between the batched sequences' ids cost
//   1c. which of node-llama-cpp's context settings cost llama.cpp decode time
//   1d. llama.cpp's own rounds at 1, 8 and 16 sequences (llama-batched-bench, same build): the
//       floor under the SAG and throughput ratios
//   2. SAG step time N=8 over N=1, cold (goal ≤ 1.3×)
//   3. questions/s with 16 questions at once over one at a time, each on its own slot of the
//      shared context (goal ≥ 8×)
//   4. end-to-end latency p50/p95 from `understudy eval` reports given in BENCH_EVAL_REPORTS
// BENCH_PARTS (default batching,decode,knobs,reference,split,gaps,sag,throughput,latency),
// BENCH_QUESTIONS (default 16), BENCH_DECODE_TOKENS (default 128), LLAMA_BENCH and
// LLAMA_BATCHED_BENCH (default: on PATH) adjust it.
import { spawnSync } from 'node:child_process';
import { LlamaLogLevel, type LlamaContext, type Token } from 'node-llama-cpp';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { greedyShare, loadStudent, readDataset, runQuestion, STOPPED, studentSystemPrompt, taskMessage, type EvalReport } from '../agent/index.ts';
import { loadConfig, repoRoot } from '../config/index.ts';
import { contextOptions, DecodeRounds, disposeModels, loadModel, sharedLlama, timeAddonCalls, type ChatTurn, type LocalModel } from '../engine/index.ts';
import { resolveModel } from '../models/index.ts';
import { percentile } from '../admin/index.ts';

const shared = process.env.UNDERSTUDY_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');
const N = 8;
const DECODE_TOKENS = Number(process.env.BENCH_DECODE_TOKENS ?? 128);
const config = loadConfig({ overrides: { 'agent.maxSteps': 3 } });
const items = readDataset(path.join(shared, 'math', 'gsm8k_dev.jsonl'), { limit: Number(process.env.BENCH_QUESTIONS ?? 16) });
type Row = [what: string, value: string, goal: string];
const contextExtras = contextOptions(config);
// Runs of consecutive sequence ids are llama.cpp's passes with a KV stream per sequence; with a unified cache a round is one pass.
const passes = contextExtras.kvUnified ? 'id runs (passes if kvUnified has no effect)' : 'llama.cpp passes';
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
type Rounds = LocalModel['roundStats'];
const perRound = (r: Rounds) => `${(r.requests / r.rounds).toFixed(2)} / ${(r.idRuns / r.rounds).toFixed(2)}`;
const noRounds = (): Rounds => ({ rounds: 0, requests: 0, idRuns: 0, busyMs: 0 });
/** Adds the decode rounds between two readings of a model's roundStats to `into`. */
function addRounds(into: Rounds, before: Rounds, after: Rounds): Rounds {
  into.rounds += after.rounds - before.rounds;
  into.requests += after.requests - before.requests;
  into.idRuns += after.idRuns - before.idRuns;
  into.busyMs += after.busyMs - before.busyMs;
  return into;
}

/** Runs one of llama.cpp's bench tools on the student's GGUF with every layer on the GPU; returns its stdout. */
async function llamaTool(tool: 'llama-bench' | 'llama-batched-bench', args: string[]): Promise<string> {
  const bin = (tool === 'llama-bench' ? process.env.LLAMA_BENCH : process.env.LLAMA_BATCHED_BENCH) ?? tool;
  // The student's thread count where one is configured: on a CPU backend, threads set the speed.
  const threads = config.engine.threads > 0 ? ['-t', String(config.engine.threads)] : [];
  const run = spawnSync(bin, ['-m', await resolveModel(config, config.models.student), '-ngl', '99', ...threads, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`${tool} failed: ${run.stderr || run.error}`);
  return run.stdout;
}

/**
 * Decode speed: understudy's generate() vs llama-bench's tg test on the same file, with decode
 * rounds inside the addon (as configured) and through node-llama-cpp's token loop.
 */
async function decode(): Promise<Row[]> {
  const bench = JSON.parse(await llamaTool('llama-bench', ['-p', '0', '-n', String(DECODE_TOKENS), '-r', '5', '-o', 'json'])) as { avg_ts: number }[];
  const llamaTs = bench[0]!.avg_ts;
  const prompts = ['Write a long story about a lighthouse keeper.', 'Explain in detail how a compiler works.', 'Describe the history of Rome at length.'];
  const ours = async (nativeDecode: boolean) => {
    const model = await loadStudent({ ...config, engine: { ...config.engine, nativeDecode } }, 1);
    const rates: number[] = [];
    for (const p of [prompts[0]!, ...prompts]) {
      await model.clearCache();
      const g = await model.generate([{ role: 'user', content: p }], { n: 1, maxTokens: DECODE_TOKENS, temperature: 0, topP: 1, stop: [] });
      // From the first token to the last: one decode per token after the first.
      rates.push((g.completionTokens - 1) / (g.decodeMs / 1000));
    }
    const native = model.nativeDecode;
    await model.close();
    return { tokensPerSec: percentile(rates.slice(1), 50)!, native }; // the first run warms up
  };
  const native = await ours(true);
  const loop = await ours(false);
  const student = await loadModel(config, config.models.student);
  const raw = await rawDecode(prompts.map((p) => student.tokenize(p)));
  const pct = (r: { tokensPerSec: number }) => `${((100 * r.tokensPerSec) / llamaTs).toFixed(1)}%`;
  return [
    [`decode tokens/s, understudy, rounds in the addon (median of 3)`, native.native ? native.tokensPerSec.toFixed(1) : 'addon lacks them', ''],
    ['decode tokens/s, understudy, node-llama-cpp token loop', loop.tokensPerSec.toFixed(1), ''],
    ['decode tokens/s, node-llama-cpp evaluate() alone', raw.tokensPerSec.toFixed(1), ''],
    [`decode tokens/s, llama-bench tg${DECODE_TOKENS}`, llamaTs.toFixed(1), ''],
    ['understudy / llama-bench: addon rounds; token loop', `${native.native ? pct(native) : 'n/a'}; ${pct(loop)}`, '≥ 90%'],
    ['ms per token: llama.cpp inside node-llama-cpp / evaluate() / llama-bench', `${raw.llamaMs.toFixed(3)} / ${(1000 / raw.tokensPerSec).toFixed(3)} / ${(1000 / llamaTs).toFixed(3)}`, '(perf counters / wall / tg)'],
  ];
}

/**
 * node-llama-cpp's own token loop on the same prompts with nothing of understudy around it, so the
 * gap to llama-bench splits into node-llama-cpp's share and understudy's; and llama.cpp's own time
 * per generated token in that loop, from its perf counters (llama_decode's start to the
 * synchronize after it): what node-llama-cpp's loop adds is the rest. Medians after a warm-up run.
 */
async function rawDecode(prompts: Token[][], settings: Knobs = {}): Promise<{ tokensPerSec: number; llamaMs: number }> {
  const llama = await sharedLlama();
  const model = await loadModel(config, config.models.student);
  const context = await model.createContext({ contextSize: config.models.contextSize, ...contextExtras, ...settings, performanceTracking: true });
  const seq = context.getSequence();
  const [level, logger] = [llama.logLevel, llama.logger];
  let log = '';
  const rates: number[] = [];
  const llamaMs: number[] = [];
  try {
    llama.logLevel = LlamaLogLevel.info;
    llama.logger = (_level, message) => { log += message; };
    for (const p of [prompts[0]!, ...prompts]) {
      await seq.clearHistory();
      await context.printTimings(); // prints and resets llama.cpp's counters
      log = '';
      let n = 0;
      let first = 0;
      for await (const token of seq.evaluate(p, { temperature: 0 })) {
        first ||= performance.now();
        if (++n >= DECODE_TOKENS || model.isEogToken(token)) break;
      }
      rates.push((n - 1) / ((performance.now() - first) / 1000));
      await context.printTimings();
      // The last report is this run's (the reset's may still be arriving).
      const m = [...log.matchAll(/:\s+eval time =\s*([\d.]+) ms \/\s*(\d+) runs/g)].at(-1);
      if (!m) throw new Error(`no eval time in llama.cpp's timings: ${log.slice(0, 300)}`);
      llamaMs.push(Number(m[1]) / Number(m[2]));
    }
  } finally {
    llama.logLevel = level;
    llama.logger = logger;
    await context.dispose();
  }
  return { tokensPerSec: percentile(rates.slice(1), 50)!, llamaMs: percentile(llamaMs.slice(1), 50)! };
}

/** Context options the `knobs` part turns, one at a time. */
type Knobs = Partial<typeof contextExtras> & { threads?: number; contextSize?: number; flashAttention?: boolean };

/**
 * Which of node-llama-cpp's context settings cost decode time against llama-bench (its context:
 * 128 cells, one sequence, flash attention auto, threads = cores): llama.cpp's own ms per token
 * inside node-llama-cpp (perf counters) and evaluate()'s wall, as configured and with one knob
 * turned. One CPU thread: with every layer on the GPU, llama.cpp still looks token embeddings up
 * on the CPU, on a team of threads woken for every decode.
 */
async function knobs(): Promise<Row[]> {
  const model = await loadModel(config, config.models.student);
  const prompt = model.tokenize('Write a long story about a lighthouse keeper.');
  const variants: [string, Knobs][] = [
    ['as configured', {}],
    ['1 CPU thread', { threads: 1 }],
    ['contextSize 512', { contextSize: 512 }],
    ['flash attention on', { flashAttention: true }],
    ['flash attention off', { flashAttention: false }],
    ['kvUnified off, backendTopK 0', { kvUnified: false, backendTopK: 0 }],
  ];
  const rows: Row[] = [];
  for (const [what, k] of variants) {
    const { tokensPerSec, llamaMs } = await rawDecode([prompt], k);
    rows.push([`ms per token, ${what}: llama.cpp / evaluate()`, `${llamaMs.toFixed(3)} / ${(1000 / tokensPerSec).toFixed(3)}`, '']);
  }
  return rows;
}

/**
 * llama.cpp's own multi-sequence decode with nothing of node-llama-cpp or understudy around it:
 * ms per generation round at 1, 8 and 16 sequences, with a KV-cache stream per sequence and with
 * one unified cache. Its 8-over-1 ratio is the floor under SAG's N=8/N=1, its 16-sequence speed-up
 * the ceiling over the throughput ratio's batching share.
 */
async function reference(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kvu of [false, true]) {
    const out = await llamaTool('llama-batched-bench', ['-c', '16384', '-b', '2048', '-ub', '512', '-npp', '256', '-ntg', String(DECODE_TOKENS), '-npl', '1,8,16', '--output-format', 'jsonl', ...(kvu ? ['-kvu'] : [])]);
    const ms = new Map<number, number>();
    for (const line of out.split('\n').filter((l) => l.startsWith('{'))) {
      const r = JSON.parse(line) as { pl: number; tg: number; t_tg: number };
      ms.set(r.pl, (1000 * r.t_tg) / r.tg);
    }
    const [one, eight, sixteen] = [ms.get(1)!, ms.get(8)!, ms.get(16)!];
    rows.push([`llama.cpp ms per round, 1 / 8 / 16 sequences, kvUnified ${kvu}`, `${one.toFixed(2)} / ${eight.toFixed(2)} / ${sixteen.toFixed(2)}`, '']);
    rows.push([`  8-sequence round / 1; tokens/s 16 sequences / 1`, `${(eight / one).toFixed(2)}× / ${((16 * one) / sixteen).toFixed(2)}×`, '']);
  }
  return rows;
}

interface RoundsRun {
  sequences: number;
  ids: readonly number[];
  tokens: number;
  /** Sampled as SAG does, or greedy. */
  sampled: boolean;
  /** Overrides of the configured context options (kvUnified, backendTopK). */
  context?: Partial<typeof contextExtras>;
  /** Wraps the context first; returns what to reset when the timing starts. */
  instrument?: (context: LlamaContext) => () => void;
}

/**
 * Decodes `tokens` tokens on the sequences `ids` of a fresh `sequences`-sequence context, in decode
 * rounds from one prompt, and times the rounds after the prompt's.
 */
async function timeRounds({ sequences, ids, tokens, sampled, context: extras, instrument }: RoundsRun): Promise<{ ms: number; rounds: number }> {
  const model = await loadModel(config, config.models.student);
  const prompt = model.tokenize('Write a long story about a lighthouse keeper.');
  const context = await model.createContext({ contextSize: 1024, sequences, ...contextExtras, ...extras });
  const reset = instrument?.(context);
  const seqs = Array.from({ length: sequences }, () => context.getSequence());
  const rounds = new DecodeRounds();
  let start = 0;
  await Promise.all(ids.map(async (id, i) => {
    const stream = seqs[id]!.evaluate(prompt, sampled ? { temperature: 0.4, topP: 0.8, seed: i } : { temperature: 0 });
    for (let k = 0; k < tokens && (await rounds.next(stream, id)) !== null; k++) {
      if (k === 0 && i === 0) {
        // The prompt's round is over: count from here.
        reset?.();
        start = performance.now();
      }
    }
    await stream.return();
  }));
  const ms = performance.now() - start;
  await context.dispose();
  return { ms, rounds: rounds.stats.rounds - 1 };
}

/**
 * Where a decode round's time goes, at N=1 (greedy) and N=8 (sampled), on understudy's own decode
 * path: llama.cpp's decode, node-llama-cpp's native sampling (a copy of the whole vocabulary's
 * logits per sequence, then the sampler chain) and the rest (JS, thread hand-offs). Diagnostic
 * only: it times calls on node-llama-cpp's internal addon context (engine/internals.ts), which may change.
 */
async function split(): Promise<Row[]> {
  const rows: Row[] = [];
  // Off, and as configured: the GPU's top-K leaves node-llama-cpp far fewer candidates to copy.
  for (const [n, topK] of [1, N].flatMap((n) => [...new Set([0, contextExtras.backendTopK])].map((k) => [n, k] as const))) {
    const t = { decode: 0, sample: 0 };
    const instrument = (context: LlamaContext) => {
      timeAddonCalls(context, ['decodeBatch', 'sampleToken'], (name, ms) => (t[name === 'decodeBatch' ? 'decode' : 'sample'] += ms));
      return () => Object.assign(t, { decode: 0, sample: 0 });
    };
    const ids = Array.from({ length: n }, (_, i) => i);
    const { ms, rounds } = await timeRounds({ sequences: n, ids, tokens: DECODE_TOKENS, sampled: n > 1, context: { backendTopK: topK }, instrument });
    const perRound = (x: number) => (x / rounds).toFixed(3);
    rows.push([`ms per decode round, N=${n}, backendTopK ${topK}: all / decode / sampling`, `${perRound(ms)} / ${perRound(t.decode)} / ${perRound(t.sample)}`, n > 1 ? '(sampling summed over sequences)' : '']);
  }
  return rows;
}

/**
 * Why batching needs neighbouring sequences or one KV cache: with a KV-cache stream per sequence
 * (node-llama-cpp's fixed choice), llama.cpp computes one pass per run of consecutive sequence ids
 * in a batch. The same 8 sequences decode as ids 0–7 and as every other id of a 16-sequence
 * context, with kvUnified off and on (on needs the patched build; elsewhere both rows match).
 */
async function gaps(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kvUnified of [false, true]) {
    for (const [what, ids] of [['ids 0–7', [0, 1, 2, 3, 4, 5, 6, 7]], ['ids 0, 2, …, 14', [0, 2, 4, 6, 8, 10, 12, 14]], ['id 0 alone', [0]]] as const) {
      const { ms, rounds } = await timeRounds({ sequences: 16, ids, tokens: DECODE_TOKENS / 2, sampled: true, context: { kvUnified } });
      rows.push([`ms per decode round, ${what} of 16, kvUnified ${kvUnified}`, (ms / rounds).toFixed(2), '']);
    }
  }
  return rows;
}

/**
 * SAG: the first step of the same questions, cold, at N=1 and N=8. The N=8 steps' agreement, and
 * the first question's candidates on stderr, show the batched candidates are sane text.
 */
async function sag(): Promise<Row[]> {
  const model = await loadStudent(config, N);
  const oneStep = { ...config, agent: { ...config.agent, maxSteps: 1 } };
  const step: Record<number, number[]> = { 1: [], [N]: [] };
  const agreement: number[] = [];
  let stopped = 0;
  const rounds: Record<number, Rounds> = { 1: noRounds(), [N]: noRounds() };
  for (const item of items.slice(0, 8)) {
    for (const n of [1, N]) {
      await model.clearCache();
      const before = model.roundStats;
      const run = await runQuestion(oneStep, null, 'student', model, { question: item.question }, n);
      addRounds(rounds[n]!, before, model.roundStats);
      const first = run.steps[0]!;
      step[n]!.push(first.latencyMs);
      if (n === N) agreement.push(first.agreement ?? 0);
      if (n === N) stopped += (first.candidates ?? []).filter((c) => c.error === STOPPED).length;
      if (n === N && agreement.length === 1) for (const c of first.candidates ?? []) console.error('candidate:', JSON.stringify(c.text.slice(0, 160)));
    }
  }
  await model.close();
  return [
    [`SAG step time N=${N} / N=1 (${step[1]!.length} questions)`, `${(sum(step[N]!) / sum(step[1]!)).toFixed(2)}×`, '≤ 1.30×'],
    [`  mean agreement of the N=${N} steps`, (sum(agreement) / agreement.length).toFixed(2), config.agent.sagEarlyStop ? '(early stop: a lower bound)' : ''],
    [`  candidates stopped early per N=${N} step (agent.sagEarlyStop ${config.agent.sagEarlyStop})`, (stopped / agreement.length).toFixed(2), ''],
    [`  sequences / ${passes} per decode round, N=${N}`, perRound(rounds[N]!), ''],
    // The step ratio is the round ratio times the rounds ratio (the longest candidate), plus prompt and sandbox time.
    [`  decode rounds per step N=1 / N=${N}`, `${(rounds[1]!.rounds / step[1]!.length).toFixed(1)} / ${(rounds[N]!.rounds / step[N]!.length).toFixed(1)}`, ''],
    [`  ms per decode round N=1 / N=${N}`, `${(rounds[1]!.busyMs / rounds[1]!.rounds).toFixed(2)} / ${(rounds[N]!.busyMs / rounds[N]!.rounds).toFixed(2)}`, ''],
  ];
}

/**
 * Batching: greedy SAG candidates of a real agent step, decoded in one batch, checked against a
 * one-sequence re-evaluation (agent/greedy-check.ts). A llama.cpp build whose multi-sequence
 * batches garble text scores far below 95%: such a build is not fit to serve SAG.
 */
async function batching(): Promise<Row[]> {
  const model = await loadStudent(config, N);
  const step: ChatTurn[] = [
    { role: 'system', content: studentSystemPrompt(config.agent.maxSteps) },
    { role: 'user', content: taskMessage(items[0]!.question) },
  ];
  const prompt = model.promptTokens(step);
  const g = await model.generate(step, { n: N, maxTokens: 96, temperature: 0, topP: 1, stop: ['<end_code>'] });
  await model.close();
  const llama = await loadModel(config, config.models.student);
  const scoring = await llama.createContext({ contextSize: config.models.contextSize });
  const seq = scoring.getSequence();
  const shares: number[] = [];
  for (const text of g.texts) shares.push(await greedyShare(seq, prompt, llama.tokenize(text)));
  await scoring.dispose();
  const worst = Math.min(...shares);
  if (worst < 0.95) console.error(`batched decode garbles text on this build (worst candidate ${(100 * worst).toFixed(0)}% greedy)`);
  return [[`batched greedy candidates that are greedy text (worst of ${N})`, `${(100 * worst).toFixed(0)}%`, '≥ 95%']];
}

/** Throughput: the same questions one at a time, then all at once, each on its own slot. */
async function throughput(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of [1, N]) {
    const pool = await loadStudent(config, n, items.length);
    const ask = (item: (typeof items)[number]) => runQuestion(config, null, 'student', pool, { question: item.question }, n);
    const timed = async (run: () => Promise<{ completionTokens: number }[]>) => {
      const before = pool.roundStats;
      const t = performance.now();
      const runs = await run();
      return { ms: performance.now() - t, rounds: addRounds(noRounds(), before, pool.roundStats), tokens: sum(runs.map((r) => r.completionTokens)) };
    };
    const serial = await timed(async () => {
      const runs = [];
      for (const item of items) runs.push(await ask(item));
      return runs;
    });
    await pool.clearCache();
    const together = await timed(() => Promise.all(items.map(ask)));
    await pool.close();
    const qps = (ms: number) => ((items.length * 1000) / ms).toFixed(2);
    // Batched decode can part greedy text at near-ties, so the questions may take other steps at once: tokens/s shows it.
    const tps = (r: typeof serial) => (r.tokens / (r.ms / 1000)).toFixed(0);
    // How long a round takes, and how much of the wall some round was running (the rest: prompts
    // being built, code in the sandbox, JS between rounds).
    const busy = (r: typeof serial) => `${(r.rounds.busyMs / r.rounds.rounds).toFixed(2)} ms, ${((100 * r.rounds.busyMs) / r.ms).toFixed(0)}%`;
    rows.push([`questions/s, ${items.length} at once / one at a time (N=${n})`, `${(serial.ms / together.ms).toFixed(2)}×`, '≥ 8×']);
    rows.push([`  one at a time / at once (N=${n})`, `${qps(serial.ms)} / ${qps(together.ms)} q/s`, '']);
    rows.push([`  generated tokens/s (tokens) one at a time / at once (N=${n})`, `${tps(serial)} (${serial.tokens}) / ${tps(together)} (${together.tokens})`, '']);
    rows.push([`  sequences / ${passes} per decode round, at once (N=${n})`, perRound(together.rounds), '']);
    rows.push([`  decode rounds one at a time / at once (N=${n})`, `${serial.rounds.rounds} / ${together.rounds.rounds}`, '']);
    rows.push([`  a round's ms, wall share busy: one at a time / at once`, `${busy(serial)} / ${busy(together)}`, '']);
  }
  return rows;
}

/** End-to-end latency of full eval runs (understudy eval --report FILE). */
async function latency(): Promise<Row[]> {
  return (process.env.BENCH_EVAL_REPORTS ?? '').split(',').filter(Boolean).map((file): Row => {
    const r = JSON.parse(readFileSync(file, 'utf8')) as EvalReport;
    const s = (p: number) => (percentile(r.rows.map((x) => x.latencyMs), p)! / 1000).toFixed(2);
    const who = r.adapter ? `, adapter ${path.basename(r.adapter)}` : '';
    return [`latency p50/p95, ${path.basename(r.dataset)} ×${r.count} N=${r.sagN}${who}`, `${s(50)} / ${s(95)} s`, ''];
  });
}

const partsWanted = (process.env.BENCH_PARTS ?? 'batching,decode,knobs,reference,split,gaps,sag,throughput,latency').split(',');
const measure: Record<string, () => Promise<Row[]>> = { batching, decode, knobs, reference, split, gaps, sag, throughput, latency };
const llama = await sharedLlama();
console.error(`backend ${llama.gpu || 'cpu'}, student ${config.models.student}`);
const rows: Row[] = [];
for (const part of partsWanted) {
  if (!measure[part]) throw new Error(`unknown BENCH_PARTS entry "${part}" (${Object.keys(measure).join(', ')})`);
  try {
    rows.push(...(await measure[part]()));
  } catch (err) {
    // One part's failure (a missing tool, say) leaves the others' rows standing.
    console.error(`bench part ${part} failed:`, err);
    rows.push([`${part}: FAILED`, '', String((err as Error).message ?? err).split('\n')[0]!.slice(0, 100)]);
  }
}
await disposeModels();
console.log(`bench:gpu — ${llama.gpu || 'cpu'} ${(await llama.getGpuDeviceNames()).join(', ')}, student ${config.models.student}, kvUnified ${contextExtras.kvUnified}, backendTopK ${contextExtras.backendTopK}`);
for (const [what, value, goal] of rows) console.log(`${what.padEnd(56)} ${value.padStart(16)}  ${goal}`);
