import type { StepRecord } from '../store/types.ts';

/** One teacher trajectory on its way into the SFT set. */
export interface Example {
  id: string;
  question: string;
  answer: string;
  firstThought: string | null;
  steps: StepRecord[];
  outcome: string;
  source: 'store' | 'generated' | 'replay';
}
