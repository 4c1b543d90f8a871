import { allNumbers, normalizeAnswer } from '../answers/index.ts';
import type { Passage } from '../retrieval/index.ts';
import type { SourceRef } from '../store/index.ts';
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

/** Content words with a plural's `s` dropped, to tell whether two texts speak of the same thing. */
function topicWords(text: string): Set<string> {
  return new Set([...contentTokens(text)].map((t) => t.replace(/ies$/, 'y').replace(/s$/, '')));
}

const isNumber = (t: string) => /^-?[\d.]+$/.test(t);

/** Share of `wanted` found in `have`; 0 when a number of `wanted` is missing (a number is the fact, its unit word is not). */
function share(wanted: Set<string>, have: Set<string>): number {
  if (wanted.size === 0) return 0;
  let n = 0;
  for (const t of wanted) {
    if (have.has(t)) n++;
    else if (isNumber(t)) return 0;
  }
  return n / wanted.size;
}

/** A passage's sentences, list items and table cells. */
const PIECES = /(?<=[.!?])\s+|\n+|\s\|\s/;

/** Whether a piece of a passage is about the question: it shares a word with it, itself or through the passage's heading. */
function topicTest(passage: Passage, about: Set<string>): (piece: string) => boolean {
  const heading = topicWords(passage.headingPath ?? passage.title);
  return (piece) => {
    if (about.size === 0) return true;
    const words = topicWords(piece);
    return [...about].some((w) => words.has(w) || heading.has(w));
  };
}

/**
 * How well a passage supports an answer: the share of the answer's words and numbers it holds,
 * provided a piece holding them (its numbers, if it has any) is about the question. A number that
 * happens to stand in a passage on the topic ("$96.05" for the dental deductible the handbook
 * never states: it is a medical premium) is no support.
 */
function support(wanted: Set<string>, passage: Passage, about: Set<string>): number {
  const s = share(wanted, contentTokens(passage.text));
  if (s === 0) return 0;
  const numbers = [...wanted].filter(isNumber);
  const keys = numbers.length > 0 ? numbers : [...wanted];
  const onTopic = topicTest(passage, about);
  const holdsKey = (piece: string) => {
    const have = contentTokens(piece);
    return keys.some((k) => have.has(k));
  };
  return passage.text.split(PIECES).some((piece) => holdsKey(piece) && onTopic(piece)) ? s : 0;
}

/** A passage supports an answer when it holds at least this share of the answer's content words and numbers (see support). */
const SUPPORT = 0.5;
const MAX_CITED = 3;

/**
 * The passages an answer used: those holding its words and numbers, in a piece about the question,
 * or, for an answer computed from found numbers (`27 - 10`), those holding the numbers of
 * the code that computed it that the question does not state, one of them in a piece about the
 * question. Best first, at most three; [] when no passage supports the answer.
 */
export function citedPassages(answer: string, passages: Passage[], computedIn: { code: string | null; question: string }): SourceRef[] {
  const wanted = contentTokens(answer);
  const about = topicWords(computedIn.question);
  let scored = passages.map((p) => ({ p, s: support(wanted, p, about) })).filter((x) => x.s >= SUPPORT);
  if (scored.length === 0 && computedIn.code) {
    const given = new Set(allNumbers(computedIn.question));
    const used = new Set(allNumbers(computedIn.code).filter((n) => !given.has(n)).map(String));
    // `final_answer(96.05)` copies a number rather than computing one: it needs the support above.
    const copied = allNumbers(answer).some((n) => used.has(String(n)));
    scored = used.size && !copied ? passages.map((p) => ({ p, s: support(used, p, about) })).filter((x) => x.s > 0) : [];
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
