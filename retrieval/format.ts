import type { Passage } from './types.ts';

/**
 * The search tool's observation, shaped like the reference agent's retriever output
 * (smolagents' WikipediaRetrieverTool in agent-distillation): a "Retrieved documents:" header,
 * then `===== Document i, similarity: s =====` blocks with the quoted title on the first line
 * and the text below. We add the source path so answers can cite it.
 */
export function formatPassages(passages: Passage[]): string {
  if (passages.length === 0) return 'Retrieved documents: none. Try a shorter or different query.';
  return (
    'Retrieved documents:' +
    passages
      .map(
        (p, i) =>
          `\n\n===== Document ${i}, similarity: ${p.score.toFixed(2)} =====\n` +
          `"${p.headingPath ?? p.title}" (source: ${p.source})\n${p.text}`,
      )
      .join('')
  );
}
