import type { QuestionFilter, TrajectoryFilter } from './types.ts';

/** A WHERE clause with its parameters, written with `?` placeholders. */
export interface Where {
  sql: string;
  params: unknown[];
}

export type Dialect = 'sqlite' | 'postgres';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/**
 * Turns free text into an FTS5 query that cannot be a syntax error: every word becomes a quoted
 * prefix term, all of which must match.
 */
export function ftsQuery(text: string): string | null {
  const w = words(text);
  return w.length === 0 ? null : w.map((x) => `"${x}"*`).join(' ');
}

/** The day after a YYYY-MM-DD (overflowing days roll over as in SQLite's date()); null for a month or day out of range. */
function nextDay(date: string): string | null {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) ? null : new Date(t + 86_400_000).toISOString().slice(0, 10);
}

/** The full-text clause: FTS5's MATCH, or Postgres' tsvector against the same words as prefix terms (migration 1's functions). */
function textClause(text: string, dialect: Dialect): [string, string] | null {
  const w = words(text);
  if (w.length === 0) return null;
  return dialect === 'postgres'
    ? ['q.search @@ understudy_search_query(?)', w.join(' ')]
    : ['q.rowid IN (SELECT rowid FROM questions_fts WHERE questions_fts MATCH ?)', ftsQuery(text)!];
}

/** The same filter on either backend: timestamps are ISO strings compared byte-wise on both. */
export function whereFor(f: QuestionFilter, dialect: Dialect = 'sqlite'): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...p: unknown[]): void => {
    clauses.push(sql);
    params.push(...p);
  };
  if (f.surface) add('q.surface = ?', f.surface);
  if (f.channel) add('q.channel = ?', f.channel);
  if (f.user) add('q."user" = ?', f.user);
  if (f.route) add('q.route = ?', f.route);
  if (f.reason) add('q.reason = ?', f.reason);
  if (f.feedback === 'none') add('NOT EXISTS (SELECT 1 FROM feedback fb WHERE fb.question_id = q.id)');
  else if (f.feedback) add('EXISTS (SELECT 1 FROM feedback fb WHERE fb.question_id = q.id AND fb.value = ?)', f.feedback);
  if (f.curation) add('EXISTS (SELECT 1 FROM trajectories t WHERE t.question_id = q.id AND t.curation = ?)', f.curation);
  if (f.model) add('EXISTS (SELECT 1 FROM trajectories t WHERE t.question_id = q.id AND (t.model = ? OR t.adapter = ?))', f.model, f.model);
  if (f.from) add('q.created_at >= ?', f.from);
  // A bare date as the upper bound includes that whole day.
  if (f.to) {
    if (DATE_ONLY.test(f.to)) add('q.created_at < ?', nextDay(f.to));
    else add('q.created_at <= ?', f.to);
  }
  if (f.text !== undefined) {
    const clause = textClause(f.text, dialect);
    if (clause) add(...clause);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** A WHERE clause over `trajectories`, the same on both backends. */
export function trajectoryWhere(f: TrajectoryFilter): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (f.role) clauses.push('role = ?'), params.push(f.role);
  if (f.outcome) clauses.push('outcome = ?'), params.push(f.outcome);
  if (f.curation) clauses.push('curation = ?'), params.push(f.curation);
  if (f.since) clauses.push('created_at >= ?'), params.push(f.since);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Postgres' numbered placeholders for a statement written with `?` (no `?` appears in our SQL otherwise). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
