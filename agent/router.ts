import type { Config } from '../config/index.ts';
import { groundingGap } from './grounding.ts';
import type { AgentRun } from './loop.ts';

export interface RouteDecision {
  escalate: boolean;
  reason: string;
}

/**
 * Whether the student's run is good enough to answer with, or the teacher must take the question.
 * `grounded`: the documents may answer the question (see docsMayAnswer), so the answer must come
 * from them.
 */
export function decide(run: AgentRun, rules: Config['router'], maxSteps: number, grounded: boolean): RouteDecision {
  if (run.outcome === 'context_full') return { escalate: true, reason: contextFullReason(run) };
  if (run.stalled) return { escalate: true, reason: `the student stalled: ${run.stalled}` };
  if (run.outcome === 'max_steps' || run.finalAnswer === null) {
    return { escalate: true, reason: `no final answer within ${maxSteps} steps` };
  }
  if (run.errors >= rules.maxErrors) return { escalate: true, reason: `${run.errors} failed steps (limit ${rules.maxErrors})` };
  if (run.agreement !== null && run.agreement < rules.minAgreement) {
    return { escalate: true, reason: `SAG agreement ${run.agreement.toFixed(2)} below ${rules.minAgreement}` };
  }
  const gap = grounded ? groundingGap(run) : null;
  if (gap) return { escalate: true, reason: `the student's answer is not grounded: ${gap}` };
  if (run.outcome === 'abstained' && rules.escalateOnAbstain) return { escalate: true, reason: 'the student abstained' };
  const agreed = run.agreement === null ? '' : ` (SAG agreement ${run.agreement.toFixed(2)})`;
  return { escalate: false, reason: `the student answered in ${run.steps.length} step${run.steps.length === 1 ? '' : 's'}${agreed}` };
}

/** "context full after K steps": K counts the steps done before the conversation outgrew the context. */
export function contextFullReason(run: AgentRun): string {
  const k = run.contextFull?.afterSteps ?? run.steps.length;
  return `context full after ${k} step${k === 1 ? '' : 's'}`;
}
