import type { LogStore, ModelVersionRecord, QuestionFilter, QuestionRecord } from '../store/index.ts';
import { sameAnswer } from '../answers/index.ts';

const CHUNK = 5000;

export interface DayStats {
  day: string;
  student: number;
  teacher: number;
  unanswered: number;
  fallbackRate: number | null;
  up: number;
  down: number;
  p50: number | null;
  p95: number | null;
  shadowSamples: number;
  accuracy: number | null;
}

export interface Dashboard {
  since: string;
  days: DayStats[];
  totals: { questions: number; fallbackRate: number | null; upRate: number | null; p50: number | null; p95: number | null; shadowSamples: number; accuracy: number | null };
  reasons: Record<string, number>;
  versions: Pick<ModelVersionRecord, 'version' | 'baseModel' | 'status' | 'createdAt' | 'promotedAt'>[];
}

/**
 * Every question matching the filter, read in chunks. The upper time bound is pinned first, so
 * questions arriving meanwhile don't shift the pages.
 */
export async function allQuestions(store: LogStore, filter: QuestionFilter = {}): Promise<QuestionRecord[]> {
  const pinned = { ...filter, to: filter.to ?? new Date().toISOString() };
  const out: QuestionRecord[] = [];
  for (;;) {
    const page = await store.listQuestions(pinned, { offset: out.length, limit: CHUNK });
    out.push(...page.items);
    if (page.items.length < CHUNK) return out;
  }
}

/** Nearest-rank percentile; null for no data. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/**
 * Student accuracy from shadow samples: a question answered one way and also run by the other
 * model in the background ("shadow") is a hit when its answer says the delivered one, as the
 * promotion gate grades (answers/'s sameAnswer).
 */
async function shadowHits(store: LogStore, since: string, known: Map<string, QuestionRecord>): Promise<{ day: string; hit: boolean }[]> {
  const out = [];
  for (const s of await store.listTrajectories({ role: 'shadow', since })) {
    if (s.finalAnswer === null) continue;
    // The window's questions are already loaded; only a shadow of an older question needs a lookup.
    const question = known.get(s.questionId) ?? (await store.getQuestion(s.questionId))?.question;
    if (!question?.answer) continue;
    out.push({ day: question.createdAt.slice(0, 10), hit: sameAnswer(s.finalAnswer, question.answer) });
  }
  return out;
}

export async function dashboard(store: LogStore, days: number, now = new Date()): Promise<Dashboard> {
  const start = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const [questions, ups, downs, versions] = await Promise.all([
    allQuestions(store, { from: start }),
    allQuestions(store, { from: start, feedback: 'up' }),
    allQuestions(store, { from: start, feedback: 'down' }),
    store.listModelVersions(),
  ]);
  const shadows = await shadowHits(store, start, new Map(questions.map((q) => [q.id, q])));
  const upIds = new Set(ups.map((q) => q.id));
  const downIds = new Set(downs.map((q) => q.id));
  const dayKeys = Array.from({ length: days }, (_, i) => new Date(Date.parse(start) + i * 86_400_000).toISOString().slice(0, 10));
  const byDay = new Map(dayKeys.map((d) => [d, [] as QuestionRecord[]]));
  for (const q of questions) byDay.get(q.createdAt.slice(0, 10))?.push(q);

  const summarize = (qs: QuestionRecord[], hits: { hit: boolean }[]) => {
    const answered = qs.filter((q) => q.route !== null);
    const teacher = answered.filter((q) => q.route === 'teacher').length;
    const lat = qs.flatMap((q) => (q.latencyMs === null ? [] : [q.latencyMs]));
    return {
      student: answered.length - teacher,
      teacher,
      unanswered: qs.length - answered.length,
      fallbackRate: ratio(teacher, answered.length),
      up: qs.filter((q) => upIds.has(q.id)).length,
      down: qs.filter((q) => downIds.has(q.id)).length,
      p50: percentile(lat, 50),
      p95: percentile(lat, 95),
      shadowSamples: hits.length,
      accuracy: ratio(hits.filter((h) => h.hit).length, hits.length),
    };
  };
  const all = summarize(questions, shadows);
  const reasons: Record<string, number> = {};
  for (const q of questions) if (q.route === 'teacher') reasons[q.reason ?? 'unknown'] = (reasons[q.reason ?? 'unknown'] ?? 0) + 1;

  return {
    since: start,
    days: dayKeys.map((day) => ({ day, ...summarize(byDay.get(day)!, shadows.filter((h) => h.day === day)) })),
    totals: {
      questions: questions.length,
      fallbackRate: all.fallbackRate,
      upRate: ratio(all.up, all.up + all.down),
      p50: all.p50,
      p95: all.p95,
      shadowSamples: all.shadowSamples,
      accuracy: all.accuracy,
    },
    reasons,
    versions: versions.map(({ version, baseModel, status, createdAt, promotedAt }) => ({ version, baseModel, status, createdAt, promotedAt })),
  };
}
