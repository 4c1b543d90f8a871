import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Config } from '../config/index.ts';
import type { LogStore, StepRecord, TrajectoryRecord } from '../store/index.ts';
import { keptBootstrap } from './bootstrap-cache.ts';
import type { Example } from './example.ts';
import type { GeneratedRecord } from './generate.ts';

/** An admin's corrected answer replaces what the final step handed in. */
function withEditedAnswer(steps: StepRecord[], edited: string): StepRecord[] {
  const last = steps.at(-1);
  if (!last) return steps;
  return [...steps.slice(0, -1), { ...last, code: `final_answer(${JSON.stringify(edited)});`, error: null }];
}

/**
 * Teacher trajectories that ended in a final answer, by the configured policy: `approved` takes
 * only admin-approved ones; `unflagged` anything not rejected whose question got no 👎 on it.
 */
export async function collectFromStore(store: LogStore, config: Config, since?: string): Promise<Example[]> {
  const policy = config.distill.policy;
  const trajectories = await store.listTrajectories({ role: 'teacher', outcome: 'final', since, ...(policy === 'approved' ? { curation: 'approved' as const } : {}) });
  const out: Example[] = [];
  for (const t of trajectories) {
    if (t.curation === 'rejected') continue;
    const detail = await store.getQuestion(t.questionId);
    if (!detail) continue;
    if (policy === 'unflagged' && detail.feedback.some((f) => f.value === 'down' && (f.trajectoryId === null || f.trajectoryId === t.id))) continue;
    out.push(fromTrajectory(t, detail.question.text));
  }
  return out;
}

function fromTrajectory(t: TrajectoryRecord, question: string): Example {
  const answer = t.editedAnswer ?? t.finalAnswer ?? '';
  return {
    id: t.id, question, answer, firstThought: t.firstThought, outcome: t.outcome, source: 'store',
    steps: t.editedAnswer ? withEditedAnswer(t.steps, t.editedAnswer) : t.steps,
  };
}

/** Kept records of `understudy distill generate`'s cache file, counted under `source`. */
export function collectFromGenerated(file: string, source = 'generated'): Example[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as GeneratedRecord)
    .filter((r) => r.kept)
    .map((r) => ({
      id: createHash('sha256').update(r.question).digest('hex').slice(0, 16), question: r.question, answer: r.finalAnswer ?? '',
      firstThought: r.firstThought, steps: r.steps, outcome: r.outcome, source,
    }));
}

/** Kept `distill bootstrap` trajectories, in their question's split (held-out documents stay out of training). */
export function collectFromBootstrap(config: Config): Example[] {
  return keptBootstrap(config).map(({ question: q, run }) => ({
    id: q.id, question: q.question, answer: run.finalAnswer ?? '', firstThought: run.firstThought, steps: run.steps, outcome: run.outcome,
    source: 'bootstrap', split: q.split,
  }));
}

/** Case, spacing, `,$%` and closing punctuation aside, the same question. */
const questionKey = (q: string) => q.toLowerCase().replace(/[\s,$%]+/g, ' ').replace(/[.!?"'`]+$/g, '').trim();

/** One example per question (the newest wins: later trajectories reflect later curation). */
export function dedupe(examples: Example[]): Example[] {
  const byQuestion = new Map<string, Example>();
  for (const e of examples) byQuestion.set(questionKey(e.question), e);
  return [...byQuestion.values()];
}
