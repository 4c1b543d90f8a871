import type { Grade } from '../answers/index.ts';
import type { TrajectoryOutcome } from '../store/index.ts';

export type EvalMode = 'student' | 'teacher' | 'cot' | 'routed';

/** One answerer's graded answer to one question. */
export interface Answered extends Grade {
  prediction: string | null;
  /** The sources cited with the answer (`handbook/severance.md`). */
  cited: string[];
  /** A cited source is one of the question's gold documents; null when the question names none or nothing was cited. */
  citationHit: boolean | null;
  steps: number;
  latencyMs: number;
  tokens: number;
  /** How the agent run ended (`context_full`, `stalled`…); null for `cot`. */
  outcome: TrajectoryOutcome | null;
  /** Grounding withheld or marked the answer (teacher): why; the raw answer's grade is `raw`. */
  note: string | null;
  raw?: Grade & { prediction: string | null };
}

export interface EvalRow extends Answered {
  id: string;
  question: string;
  gold: string[];
  goldSources: string[];
  type: string | null;
  /** When the question started, in ms after the run's first question did (with --parallel, questions overlap). */
  startMs: number;
  /** The exception that failed this question; the run goes on with the next one. */
  error: string | null;
  /** `--mode routed`: whether the student kept the question, and each side's own answer on it. */
  routed?: { kept: boolean; reason: string; student: Answered; teacher: Answered };
}

export interface Rates {
  /** Lenient accuracy (Grade.correct), exact match and F1, over all questions. */
  accuracy: number;
  em: number;
  f1: number;
  /** Answerable questions: accuracy, and the share answered (not abstained) with no cited source. */
  answerableAccuracy: number;
  unsourced: number;
  /** Share of cited sources that are gold documents, over answerable questions that cited any. */
  citationPrecision: number | null;
  /** Questions the documents do not answer: the share abstained on; answerable ones abstained on. */
  abstainedUnanswerable: number | null;
  abstainedAnswerable: number;
  meanSteps: number;
  p50LatencyMs: number;
}

export interface EvalReport extends Rates {
  dataset: string;
  mode: EvalMode;
  sagN: number;
  model: string;
  adapter: string | null;
  /** Questions graded so far; less than `total` while the run is in progress or after it was stopped. */
  count: number;
  /** Questions the run was asked to grade (after `--limit`). */
  total: number;
  /** True when `count` < `total`: written mid-run, or the run was stopped (see `stopped`). */
  partial: boolean;
  /** Why the run stopped before its last question (e.g. 'SIGINT'); null when it did not. */
  stopped: string | null;
  abstained: number;
  failed: number;
  meanLatencyMs: number;
  meanTokens: number;
  /** `--mode routed`: the router's trade-off on the same questions (RouteLLM-style deferral). */
  routing?: { studentKept: number; student: Rates; teacher: Rates; system: Rates };
  startedAt: string;
  rows: EvalRow[];
}

export type ReportMeta = Pick<EvalReport, 'dataset' | 'mode' | 'sagN' | 'model' | 'adapter' | 'total' | 'startedAt'>;

const docOf = (source: string) => source.split('#')[0]!.split('/').pop()!;

/** Whether a cited source is one of the gold documents (compared by file name, `handbook/x.md` ≡ `x.md`). */
export function citationHit(cited: string[], gold: string[]): boolean | null {
  if (gold.length === 0 || cited.length === 0) return null;
  const want = new Set(gold.map(docOf));
  return cited.some((c) => want.has(docOf(c)));
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function share(n: number, of: number): number {
  return of === 0 ? 0 : n / of;
}

/** The rates of one answerer over questions (its answers paired with each question's gold documents). */
export function ratesOf(answers: { a: Answered; gold: string[]; goldSources: string[] }[]): Rates {
  const answerable = answers.filter((x) => x.gold.length > 0);
  const unanswerable = answers.filter((x) => x.gold.length === 0);
  const citing = answerable.filter((x) => x.a.cited.length > 0);
  const want = (x: (typeof answers)[number]) => new Set(x.goldSources.map(docOf));
  const citedGold = citing.reduce((n, x) => n + x.a.cited.filter((c) => want(x).has(docOf(c))).length, 0);
  const citedAll = citing.reduce((n, x) => n + x.a.cited.length, 0);
  const withGoldDocs = citing.filter((x) => x.goldSources.length > 0);
  return {
    accuracy: share(answers.filter((x) => x.a.correct).length, answers.length),
    em: share(answers.filter((x) => x.a.em).length, answers.length),
    f1: share(answers.reduce((n, x) => n + x.a.f1, 0), answers.length),
    answerableAccuracy: share(answerable.filter((x) => x.a.correct).length, answerable.length),
    unsourced: share(answerable.filter((x) => !x.a.abstained && x.a.cited.length === 0).length, answerable.length),
    citationPrecision: withGoldDocs.length ? share(citedGold, citedAll) : null,
    abstainedUnanswerable: unanswerable.length ? share(unanswerable.filter((x) => x.a.abstained).length, unanswerable.length) : null,
    abstainedAnswerable: share(answerable.filter((x) => x.a.abstained).length, answerable.length),
    meanSteps: share(answers.reduce((n, x) => n + x.a.steps, 0), answers.length),
    p50LatencyMs: median(answers.map((x) => x.a.latencyMs)),
  };
}

/** The report of the rows done so far. */
export function summarize(meta: ReportMeta, rows: EvalRow[], stopped: string | null): EvalReport {
  const n = rows.length || 1;
  const mean = (f: (r: EvalRow) => number) => rows.reduce((a, r) => a + f(r), 0) / n;
  const side = (pick: (r: EvalRow) => Answered) => ratesOf(rows.map((r) => ({ a: pick(r), gold: r.gold, goldSources: r.goldSources })));
  const routedRows = rows.filter((r) => r.routed);
  return {
    ...meta,
    ...side((r) => r),
    count: rows.length,
    partial: rows.length < meta.total,
    stopped: rows.length < meta.total ? stopped : null,
    abstained: rows.filter((r) => r.abstained).length,
    failed: rows.filter((r) => r.error).length,
    meanLatencyMs: mean((r) => r.latencyMs),
    meanTokens: mean((r) => r.tokens),
    ...(meta.mode === 'routed'
      ? {
          routing: {
            studentKept: share(routedRows.filter((r) => r.routed!.kept).length, routedRows.length),
            student: side((r) => r.routed?.student ?? r),
            teacher: side((r) => r.routed?.teacher ?? r),
            system: side((r) => r),
          },
        }
      : {}),
    rows: [...rows],
  };
}

const pct = (x: number | null) => (x === null ? '–' : (100 * x).toFixed(1));

/** Reports as a fixed-width table, one line per report (a routed report adds its student-only and teacher-only lines). */
export function formatReports(reports: EvalReport[]): string {
  const head = ['dataset', 'mode', 'N', 'count', 'acc %', 'EM %', 'cite prec %', 'unsourced %', 'abstain unans %', 'abstain ans %', 'steps', 'p50 s', 'failed'];
  const line = (r: EvalReport, mode: string, x: Rates) => [
    r.dataset.split('/').pop()!,
    mode,
    String(r.sagN),
    r.partial ? `${r.count}/${r.total}` : String(r.count),
    pct(x.accuracy),
    pct(x.em),
    pct(x.citationPrecision),
    pct(x.unsourced),
    pct(x.abstainedUnanswerable),
    pct(x.abstainedAnswerable),
    x.meanSteps.toFixed(1),
    (x.p50LatencyMs / 1000).toFixed(1),
    String(r.failed),
  ];
  const rows = reports.flatMap((r) =>
    r.routing
      ? [line(r, 'routed', r.routing.system), line(r, '  student only', r.routing.student), line(r, '  teacher only', r.routing.teacher)]
      : [line(r, r.mode, r)],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const out = [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
  for (const r of reports) {
    if (r.routing) out.push(`${r.dataset.split('/').pop()}: the student kept ${pct(r.routing.studentKept)}% of the questions; the routed system reached ${pct(share(r.routing.system.accuracy, r.routing.teacher.accuracy))}% of teacher-only accuracy`);
  }
  return out.join('\n');
}
