import type { Example } from './example.ts';

export interface FilterReport {
  kept: number;
  dropped: { notFinal: number; parseError: number; maxSteps: number; noAnswer: number };
  /** Kept trajectories with a code error that a later step recovered from. */
  recoveredErrors: number;
}

/**
 * The paper's filter: drop trajectories with a step the agent could not parse (no code block) or
 * that ran out of steps; keep code-execution errors that the trajectory recovered from.
 */
export function filterExamples(examples: Example[], maxSteps: number): { kept: Example[]; report: FilterReport } {
  const report: FilterReport = { kept: 0, dropped: { notFinal: 0, parseError: 0, maxSteps: 0, noAnswer: 0 }, recoveredErrors: 0 };
  const kept: Example[] = [];
  for (const e of examples) {
    if (e.outcome === 'max_steps' || e.steps.length > maxSteps) report.dropped.maxSteps++;
    // An abstention ends a run too: bootstrap's unanswerable questions teach it.
    else if (e.outcome !== 'final' && e.outcome !== 'abstained') report.dropped.notFinal++;
    else if (e.steps.some((s) => s.code === null)) report.dropped.parseError++;
    else if (!e.answer.trim()) report.dropped.noAnswer++;
    else {
      if (e.steps.some((s) => s.error)) report.recoveredErrors++;
      kept.push(e);
    }
  }
  report.kept = kept.length;
  return { kept, report };
}
