import { isAbstention } from '../answers/index.ts';
import type { Retriever } from '../retrieval/index.ts';
import type { AgentRun } from './loop.ts';

/**
 * Whether the documents may answer the question: the best passage for the question itself is at
 * least `minScore` similar. Then an answer must come from a search and be supported by what it found.
 */
export async function docsMayAnswer(retriever: Retriever | null, question: string, collection: string | undefined, minScore: number): Promise<boolean> {
  if (!retriever) return false;
  const [best] = await retriever.search(question, 1, collection);
  return (best?.score ?? 0) >= minScore;
}

/** Why a run's answer is not grounded in the documents, or null when it is (or it abstained, which needs no source). */
export function groundingGap(run: AgentRun): string | null {
  if (run.finalAnswer === null || isAbstention(run.finalAnswer)) return null;
  if (!run.searched) return 'it answered without searching the documents';
  if (run.sources.length === 0) return 'its answer is not in the passages it found';
  return null;
}
