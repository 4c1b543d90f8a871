import { invokeTeacher, type Teacher } from '../agent/index.ts';
import { allNumbers, asNumber, containsPhrase, sameNumber } from '../answers/index.ts';
import type { Chunk } from '../retrieval/index.ts';
import { evalArithmetic } from './arithmetic.ts';
import type { BootstrapQuestion, QuestionKind } from './bootstrap-cache.ts';
import type { BootstrapTask } from './bootstrap-plan.ts';

export type Written = Pick<BootstrapQuestion, 'question' | 'answer' | 'dropped' | 'raw'>;

const SYSTEM =
  'You write test questions from a company\'s internal documents, to check that an assistant can find answers by searching them. ' +
  'A question must make sense to an employee who has not seen the passage: name what it is about, and never say "the passage", "the text" or "this document". ' +
  'Reply with one JSON object and nothing else.';

const ASK: Record<QuestionKind, string> = {
  singleHop:
    'Write one question that the passage answers, and its answer: a short phrase or number copied exactly from the passage.\n' +
    'Reply with JSON only: {"question": "...", "answer": "..."}',
  twoDocument:
    'Write one question that needs a fact from each of the two passages to answer (for example, one passage names a thing and the other states a fact about it). ' +
    'The answer is a short phrase or number copied exactly from one of the passages.\n' +
    'Reply with JSON only: {"question": "...", "answer": "..."}',
  arithmetic:
    'Write one question whose answer needs arithmetic (add, subtract, multiply or divide) on numbers stated in the passage. ' +
    'Give the arithmetic as an expression of the passage\'s numbers, and its result.\n' +
    'Reply with JSON only: {"question": "...", "expression": "...", "answer": 0}',
  unanswerable:
    'Write one question on the topic of the passage that an employee could plausibly ask but that the passage does NOT answer: it asks for a detail the passage never states.\n' +
    'Reply with JSON only: {"question": "..."}',
};

function passage(c: Chunk, label: string): string {
  return `${label} from "${c.headingPath ?? c.title}" (${c.source}):\n"""\n${c.text.trim()}\n"""`;
}

export function questionPrompt(task: BootstrapTask): string {
  const passages = task.chunks.length > 1 ? task.chunks.map((c, i) => passage(c, `Passage ${i + 1}`)) : [passage(task.chunks[0]!, 'Passage')];
  return `${passages.join('\n\n')}\n\n${ASK[task.kind]}`;
}

/** The JSON object in a model's reply: fences and text around it are tolerated; null when there is none. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return null;
  try {
    const v: unknown = JSON.parse(text.slice(start, end + 1));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A reference longer than this is a copied sentence, which an agent's answer rarely contains whole. */
const MAX_ANSWER_WORDS = 10;

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');

/** The answer appears in one of the texts: as a phrase, or its number among theirs. */
export function appearsIn(answer: string, texts: string[]): boolean {
  const n = asNumber(answer.replace(/,/g, ''));
  return texts.some((t) => containsPhrase(t, answer) || (n !== null && allNumbers(t).some((x) => sameNumber(x, n))));
}

/** An arithmetic answer is the value of an expression over at least two of the passage's numbers (sign aside: `10-3` reads as 10 and -3). */
function arithmeticAnswer(o: Record<string, unknown>, chunk: string): string | null {
  const expr = text(o.expression);
  const value = evalArithmetic(expr);
  const operands = allNumbers(expr).map(Math.abs);
  const stated = allNumbers(chunk).map(Math.abs);
  if (value === null || operands.length < 2 || !operands.every((x) => stated.some((y) => sameNumber(x, y)))) return null;
  const claimed = asNumber(text(o.answer).replace(/,/g, ''));
  if (claimed !== null && !sameNumber(claimed, value)) return null;
  return String(Number(value.toFixed(4)));
}

/** Checks a reply against its task: malformed JSON, or an answer the chunks do not support, is dropped. */
export function readWritten(task: BootstrapTask, reply: string): Written {
  const o = parseJsonObject(reply);
  const question = text(o?.question);
  if (!o || question.length < 8) return { dropped: 'malformed', raw: reply };
  const texts = task.chunks.map((c) => c.text);
  if (task.kind === 'unanswerable') return { question, answer: null };
  if (task.kind === 'arithmetic') {
    if (!text(o.expression)) return { dropped: 'malformed', raw: reply };
    const answer = arithmeticAnswer(o, texts[0]!);
    return answer === null ? { dropped: 'ungrounded', raw: reply } : { question, answer };
  }
  const answer = text(o.answer);
  if (!answer) return { dropped: 'malformed', raw: reply };
  if (answer.split(/\s+/).length > MAX_ANSWER_WORDS) return { dropped: 'longAnswer', raw: reply };
  return appearsIn(answer, texts) ? { question, answer } : { dropped: 'ungrounded', raw: reply };
}

/** The teacher writes the task's question; the reply is checked by readWritten. */
export async function writeQuestion(teacher: Teacher, task: BootstrapTask, timeoutMs: number): Promise<Written> {
  if (task.kind === 'twoDocument' && task.chunks.length < 2) return { dropped: 'noSecondDocument' };
  const r = await invokeTeacher(teacher, [{ role: 'system', content: SYSTEM }, { role: 'user', content: questionPrompt(task) }], { timeoutMs });
  return readWritten(task, r.text);
}
