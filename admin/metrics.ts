import { Counter, Histogram, Registry } from 'prom-client';
import type { LogStore } from '../store/index.ts';
import { allQuestions } from './stats.ts';

/** Scrapes closer together than this share one reading of the store. */
const CACHE_MS = 5000;

/** Prometheus metrics, recomputed from the log store (the store is the truth). */
export function storeMetrics(store: LogStore): { contentType: string; scrape(): Promise<string> } {
  const registry = new Registry();
  const questions = new Counter({ name: 'understudy_questions_total', help: 'Questions by who answered (unanswered: pending or failed)', labelNames: ['route'], registers: [registry] });
  const fallbacks = new Counter({ name: 'understudy_fallback_total', help: 'Questions the teacher answered, by the router\'s reason', labelNames: ['reason'], registers: [registry] });
  const feedback = new Counter({ name: 'understudy_feedback_total', help: 'Questions that received this feedback', labelNames: ['value'], registers: [registry] });
  const latency = new Histogram({
    name: 'understudy_question_latency_seconds',
    help: 'End-to-end answer latency',
    labelNames: ['route'],
    buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [registry],
  });

  let cached: { at: number; text: Promise<string> } | undefined;
  const read = async (): Promise<string> => {
    const [all, up, down] = await Promise.all([
      allQuestions(store),
      store.listQuestions({ feedback: 'up' }, { offset: 0, limit: 0 }),
      store.listQuestions({ feedback: 'down' }, { offset: 0, limit: 0 }),
    ]);
    registry.resetMetrics();
    for (const route of ['student', 'teacher', 'unanswered']) questions.inc({ route }, 0);
    for (const q of all) {
      const route = q.route ?? 'unanswered';
      questions.inc({ route });
      if (q.route === 'teacher') fallbacks.inc({ reason: q.reason ?? 'unknown' });
      if (q.latencyMs !== null && q.route) latency.observe({ route }, q.latencyMs / 1000);
    }
    feedback.inc({ value: 'up' }, up.total);
    feedback.inc({ value: 'down' }, down.total);
    return registry.metrics();
  };
  return {
    contentType: registry.contentType,
    scrape() {
      if (!cached || Date.now() - cached.at > CACHE_MS) {
        cached = { at: Date.now(), text: read() };
        cached.text.catch(() => (cached = undefined));
      }
      return cached.text;
    },
  };
}
