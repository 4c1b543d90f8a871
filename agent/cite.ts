import type { Passage } from '../retrieval/index.ts';
import type { SourceRef } from '../store/types.ts';
import { allNumbers, normalizeAnswer } from './normalize.ts';
import { sourceRef } from './tools.ts';

const STOPWORDS = new Set(
  'a an the of to in on at by for with from and or but is are was were be been it its this that these those you your we our they their i me my can may will would should could do does did not no yes as if so than then there here what which who whom how when where why per up out about into over any all each every some more most'.split(
    ' ',
  ),
);

/** The words and numbers of a text that carry its meaning (no stopwords). */
function contentTokens(text: string): Set<string> {
  return new Set(normalizeAnswer(text).split(' ').filter((t) => t.length > 1 && !STOPWORDS.has(t)).concat(allNumbers(text).map(String)));
}

/** Share of `wanted` found in the passage; 0 when a number of `wanted` is missing (a number is the fact, its unit word is not). */
function overlap(wanted: Set<string>, passage: Passage): number {
  if (wanted.size === 0) return 0;
  const have = contentTokens(passage.text);
  let n = 0;
  for (const t of wanted) {
    if (have.has(t)) n++;
    else if (/^-?[\d.]+$/.test(t)) return 0;
  }
  return n / wanted.size;
}

/** A passage supports an answer when it holds at least this share of the answer's content words and numbers. */
const SUPPORT = 0.5;
const MAX_CITED = 3;

/**
 * The passages an answer used: those holding its words and numbers, or, for an answer computed
 * from found numbers (`27 - 10`), those holding the numbers of the code that computed it that the
 * question does not state. Best first, at most three; [] when no passage supports the answer.
 */
export function citedPassages(answer: string, passages: Passage[], computedIn: { code: string | null; question: string }): SourceRef[] {
  const wanted = contentTokens(answer);
  let scored = passages.map((p) => ({ p, s: overlap(wanted, p) })).filter((x) => x.s >= SUPPORT);
  if (scored.length === 0 && computedIn.code) {
    const given = new Set(allNumbers(computedIn.question));
    const used = new Set(allNumbers(computedIn.code).filter((n) => !given.has(n)).map(String));
    scored = used.size ? passages.map((p) => ({ p, s: overlap(used, p) })).filter((x) => x.s > 0) : [];
  }
  if (scored.length === 0) return [];
  const best = Math.max(...scored.map((x) => x.s));
  return scored
    .filter((x) => x.s >= best / 2)
    .sort((a, b) => b.s - a.s || b.p.score - a.p.score)
    .filter((x, i, all) => all.findIndex((y) => y.p.chunkId === x.p.chunkId) === i)
    .slice(0, MAX_CITED)
    .map((x) => sourceRef(x.p));
}
