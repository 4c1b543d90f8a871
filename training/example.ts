import type { StepRecord } from '../store/index.ts';
import type { Split } from './bootstrap-cache.ts';

/** One teacher trajectory on its way into the SFT set. */
export interface Example {
  id: string;
  question: string;
  answer: string;
  firstThought: string | null;
  steps: StepRecord[];
  outcome: string;
  /** What the data set manifest counts it under: `store`, `bootstrap`, `replay`, or a generated file's source (`wiki`, `math`, `generated`). */
  source: string;
  /** A fixed split (bootstrap splits by document); otherwise the SFT set splits by the question. */
  split?: Split;
}
