import type { QuestionFilter } from './types.ts';

/** A WHERE clause over `questions q` with its positional parameters. */
export interface Where {
  sql: string;
  params: unknown[];
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Turns free text into an FTS5 query that cannot be a syntax error: every word becomes a quoted
 * prefix term, all of which must match.
 */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  return words.length === 0 ? null : words.map((w) => `"${w}"*`).join(' ');
}

export function whereFor(f: QuestionFilter): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...p: unknown[]): void => {
    clauses.push(sql);
    params.push(...p);
  };
  if (f.surface) add('q.surface = ?', f.surface);
  if (f.channel) add('q.channel = ?', f.channel);
  if (f.user) add('q.user = ?', f.user);
  if (f.route) add('q.route = ?', f.route);
  if (f.reason) add('q.reason = ?', f.reason);
  if (f.feedback === 'none') add('NOT EXISTS (SELECT 1 FROM feedback fb WHERE fb.question_id = q.id)');
  else if (f.feedback) add('EXISTS (SELECT 1 FROM feedback fb WHERE fb.question_id = q.id AND fb.value = ?)', f.feedback);
  if (f.curation) add('EXISTS (SELECT 1 FROM trajectories t WHERE t.question_id = q.id AND t.curation = ?)', f.curation);
  if (f.model) add('EXISTS (SELECT 1 FROM trajectories t WHERE t.question_id = q.id AND (t.model = ? OR t.adapter = ?))', f.model, f.model);
  if (f.from) add('q.created_at >= ?', f.from);
  // A bare date as the upper bound includes that whole day.
  if (f.to) add(DATE_ONLY.test(f.to) ? "q.created_at < date(?, '+1 day')" : 'q.created_at <= ?', f.to);
  if (f.text !== undefined) {
    const match = ftsQuery(f.text);
    if (match) add('q.rowid IN (SELECT rowid FROM questions_fts WHERE questions_fts MATCH ?)', match);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
