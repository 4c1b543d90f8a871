import { z } from 'zod';
import type { QuestionFilter } from '../store/index.ts';

export const PAGE_SIZE = 25;

const text = (max: number) => z.string().trim().max(max).optional().transform((v) => (v ? v : undefined));
const choice = <T extends [string, ...string[]]>(values: T) =>
  z.union([z.literal('').transform(() => undefined), z.enum(values)]).optional();
const date = z
  .string()
  .trim()
  .regex(/^(\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?)?$/, 'a date is YYYY-MM-DD')
  .optional()
  .transform((v) => (v ? v : undefined));

/** The conversation list's query string; anything else in it (arrays, unknown keys) is a 400. */
const listQuery = z
  .object({
    surface: choice(['console', 'cli', 'slack', 'discord', 'eval', 'distill']),
    channel: text(200),
    user: text(200),
    route: choice(['student', 'teacher']),
    reason: text(200),
    feedback: choice(['up', 'down', 'none']),
    curation: choice(['pending', 'approved', 'rejected']),
    model: text(300),
    from: date,
    to: date,
    q: text(500),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    // What the last curation did, shown once after its redirect.
    done: z.enum(['approved', 'rejected', 'bulk-approved', 'bulk-rejected']).optional(),
    n: z.coerce.number().int().min(0).optional(),
  })
  .strict();

export interface ListQuery {
  filter: QuestionFilter;
  page: number;
  done?: 'approved' | 'rejected' | 'bulk-approved' | 'bulk-rejected';
  n?: number;
}

export class BadQueryError extends Error {}

export function parseListQuery(query: unknown): ListQuery {
  const parsed = listQuery.safeParse(query ?? {});
  if (!parsed.success) {
    throw new BadQueryError(parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  }
  const { q, page, done, n, ...rest } = parsed.data;
  const filter = Object.fromEntries(Object.entries({ ...rest, text: q }).filter(([, v]) => v !== undefined)) as QuestionFilter;
  return { filter, page, done, n };
}

/** The query string that reproduces a filter (for paging links and the bulk form). */
export function filterToQuery(filter: QuestionFilter, page?: number): string {
  const { text: q, ...rest } = filter;
  const entries = Object.entries({ ...rest, q, page: page && page > 1 ? String(page) : undefined }).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
  );
  return new URLSearchParams(entries).toString();
}

export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
