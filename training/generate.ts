import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LlamaChatSession, type LlamaContextSequence } from 'node-llama-cpp';
import type { Config } from '../config/index.ts';
import { loadModel } from '../models/index.ts';
import type { LogStore, NewTrajectory } from '../store/types.ts';
import { answerMatches } from './answers.ts';
import { runLoop, type LoopResult } from './agent-loop.ts';
import { teacherPrompt } from './prompts.ts';
import type { PoolQuestion } from './questions.ts';

export interface GeneratedRecord extends PoolQuestion, LoopResult {
  firstThought: string | null;
  model: string;
  kept: boolean;
}

/** The paper's first-thought prefix: the teacher's first reasoning sentence in plain CoT mode. */
async function firstThought(sequence: LlamaContextSequence, question: string): Promise<string> {
  const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: 'Solve the problem step by step.', autoDisposeSequence: false });
  try {
    const text = await session.prompt(question, { maxTokens: 64, temperature: 0, customStopTriggers: ['\n'] });
    return text.trim().split(/(?<=[.!?])\s/)[0]!.trim();
  } finally {
    session.dispose({ disposeSequence: false });
    await sequence.clearHistory();
  }
}

/**
 * Runs the teacher over a question pool and keeps the trajectories whose answer matches the
 * reference. Every run is appended to `cacheFile` (so an interrupted run resumes where it
 * stopped); kept ones also go to the store as distill-surface teacher trajectories.
 */
export async function generate(
  config: Config,
  pool: PoolQuestion[],
  opts: { cacheFile: string; useFirstThought: boolean; store?: LogStore; onRecord?: (r: GeneratedRecord) => void },
): Promise<GeneratedRecord[]> {
  mkdirSync(path.dirname(opts.cacheFile), { recursive: true });
  const done = new Set(existsSync(opts.cacheFile) ? readFileSync(opts.cacheFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as GeneratedRecord).question) : []);
  const model = await loadModel(config, config.models.teacher);
  const context = await model.createContext({ contextSize: Math.min(config.models.contextSize, 4096), ...(config.distill.threads ? { threads: config.distill.threads } : {}) });
  const sequence = context.getSequence();
  const out: GeneratedRecord[] = [];
  try {
    for (const q of pool) {
      if (done.has(q.question)) continue;
      const thought = opts.useFirstThought ? await firstThought(sequence, q.question) : null;
      const run = await runLoop(config, sequence, { systemPrompt: teacherPrompt(config), question: q.question, firstThought: thought });
      const rec: GeneratedRecord = { ...q, ...run, firstThought: thought, model: config.models.teacher, kept: run.outcome === 'final' && answerMatches(run.finalAnswer, q.answer) };
      appendFileSync(opts.cacheFile, JSON.stringify(rec) + '\n');
      if (rec.kept && opts.store) await saveToStore(opts.store, rec);
      opts.onRecord?.(rec);
      out.push(rec);
    }
  } finally {
    await context.dispose();
  }
  return out;
}

async function saveToStore(store: LogStore, rec: GeneratedRecord): Promise<void> {
  const questionId = await store.createQuestion({ text: rec.question, surface: 'distill' });
  const t: NewTrajectory = {
    questionId, role: 'teacher', model: rec.model, adapter: null, firstThought: rec.firstThought, steps: rec.steps,
    finalAnswer: rec.finalAnswer, outcome: rec.outcome, latencyMs: rec.latencyMs, promptTokens: 0, completionTokens: rec.completionTokens,
  };
  await store.addTrajectory(t);
  await store.finishQuestion(questionId, {
    status: 'answered', route: 'teacher', reason: 'distill-generate', answer: rec.finalAnswer, abstained: false,
    unverified: false, sources: [], latencyMs: rec.latencyMs, error: null,
  });
}
