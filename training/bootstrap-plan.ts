import { createHash } from 'node:crypto';
import type { Chunk } from '../retrieval/index.ts';
import type { QuestionKind, Split } from './bootstrap-cache.ts';

export interface BootstrapTask {
  id: string;
  kind: QuestionKind;
  /** One chunk; two from different documents of the same split for `twoDocument` (one when the split has no other document). */
  chunks: Chunk[];
  split: Split;
}

export const KINDS: QuestionKind[] = ['singleHop', 'twoDocument', 'arithmetic', 'unanswerable'];

/** A heading alone, or a line or two, gives the teacher nothing to ask about. */
const MIN_CHUNK_CHARS = 100;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** A chunk's place in its document (`policies/gym.md:2`): unlike its id, which hashes the absolute path, it stays when the folder moves. */
const placeOf = (c: Chunk) => `${c.source}:${c.chunkId.split(':').at(-1)}`;
const score = (s: string) => parseInt(sha256(s).slice(0, 8), 16) / 0x1_0000_0000;

/**
 * The documents whose questions are held out: by a hash of the document's source, so a document
 * keeps its split as the collection grows. When none falls under the share, the lowest-scoring
 * one is held out anyway, so a small collection still gets in-domain gate questions.
 */
export function heldOutDocuments(sources: string[], share: number): Set<string> {
  const docs = [...new Set(sources)];
  const held = new Set(docs.filter((d) => score(d) < share));
  if (held.size === 0 && share > 0 && docs.length > 1) held.add(docs.reduce((a, b) => (score(a) <= score(b) ? a : b)));
  return held;
}

/** The kind of task i: the kind furthest behind its share of the first i+1 tasks, so every prefix follows the mix. */
function kindSequence(weights: Record<QuestionKind, number>, n: number): QuestionKind[] {
  const total = KINDS.reduce((s, k) => s + weights[k], 0);
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<QuestionKind, number>;
  return Array.from({ length: n }, (_, i) => {
    const behind = (k: QuestionKind) => (weights[k] / total) * (i + 1) - counts[k];
    const kind = KINDS.filter((k) => weights[k] > 0).reduce((a, b) => (behind(b) > behind(a) ? b : a));
    counts[kind]++;
    return kind;
  });
}

/**
 * The first `count` tasks of a collection's plan. The plan depends only on the chunks and the
 * settings, so a rerun meets the same tasks (and skips the cached ones) and a larger count extends
 * it. Each kind walks the chunks in its own hashed order; a task that would repeat is left out, so
 * a small collection yields fewer tasks than asked.
 */
export function planTasks(chunks: Chunk[], opts: { count: number; heldOutDocShare: number; kinds: Record<QuestionKind, number> }): BootstrapTask[] {
  const usable = chunks.filter((c) => c.text.trim().length >= MIN_CHUNK_CHARS);
  if (usable.length === 0) return [];
  const held = heldOutDocuments(usable.map((c) => c.source), opts.heldOutDocShare);
  const splitOf = (c: Chunk): Split => (held.has(c.source) ? 'heldOut' : 'train');
  const orders = new Map(KINDS.map((k) => [k, [...usable].sort((a, b) => sha256(k + placeOf(a)).localeCompare(sha256(k + placeOf(b))))]));
  const next = new Map(KINDS.map((k) => [k, 0]));
  const tasks: BootstrapTask[] = [];
  for (const kind of kindSequence(opts.kinds, opts.count)) {
    const j = next.get(kind)!;
    next.set(kind, j + 1);
    if (j >= usable.length) continue;
    const order = orders.get(kind)!;
    const first = order[j]!;
    const split = splitOf(first);
    const picked = [first];
    if (kind === 'twoDocument') {
      // A partner from the same split keeps every document of a held-out question out of training.
      const partner = [...order.slice(j + 1), ...order.slice(0, j)].find((c) => c.source !== first.source && splitOf(c) === split);
      if (partner) picked.push(partner);
    }
    tasks.push({ id: sha256(`${kind}:${picked.map((c) => c.chunkId).join(',')}`).slice(0, 16), kind, chunks: picked, split });
  }
  return tasks;
}
