import { gradeAnswer } from '../answers/index.ts';
import type { StepRecord, TrajectoryOutcome } from '../store/index.ts';
import type { BootstrapRun } from './bootstrap-cache.ts';

/**
 * The paper's filter on a bootstrap trajectory: it ended in an answer (an abstention counts), took
 * no step the agent could not parse, searched, and its answer is the one derived from the source
 * chunk (for an unanswerable question: it abstained). Returns why it is dropped, or undefined.
 */
export function judgeRun(run: { steps: StepRecord[]; outcome: TrajectoryOutcome; finalAnswer: string | null }, answer: string | null): BootstrapRun['dropped'] {
  if (run.outcome !== 'final' && run.outcome !== 'abstained') return 'notFinal';
  if (run.steps.some((s) => s.code === null)) return 'parseError';
  if (!run.steps.some((s) => s.sources?.length)) return 'noSearch';
  if (!gradeAnswer(run.finalAnswer, answer === null ? [] : [answer]).correct) return 'wrongAnswer';
  return undefined;
}
