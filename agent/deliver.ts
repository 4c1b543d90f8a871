import { isAbstention } from '../answers/index.ts';
import type { Config } from '../config/index.ts';
import { groundingGap } from './grounding.ts';
import type { AgentRun } from './loop.ts';

/** What a teacher-answered question says when its answer is not grounded and `router.ungrounded` is `abstain`. */
export const NOT_IN_DOCS = "I couldn't find this in the documents, so I won't guess. Try rephrasing the question, or ask a colleague who knows.";

export interface Delivery {
  answer: string | null;
  abstained: boolean;
  /** The answer is shown, marked as not checked against the documents. */
  unverified: boolean;
  /** Why the answer was withheld or marked; null when delivered as it is. */
  note: string | null;
}

/** The teacher's answer as a user gets it: withheld or marked when the documents may answer the question but do not support it. */
export function deliverTeacher(run: AgentRun, grounded: boolean, policy: Config['router']['ungrounded']): Delivery {
  const gap = grounded ? groundingGap(run) : null;
  if (!gap) return { answer: run.finalAnswer, abstained: isAbstention(run.finalAnswer), unverified: false, note: null };
  if (policy === 'abstain') return { answer: NOT_IN_DOCS, abstained: true, unverified: false, note: `the teacher's answer was withheld: ${gap}` };
  return { answer: run.finalAnswer, abstained: false, unverified: true, note: `the teacher's answer is unverified: ${gap}` };
}
