import type { ControlledEvaluateInputItem, LlamaContextSequence, Token } from 'node-llama-cpp';

/**
 * How much of a greedy continuation is the model's own greedy text: the share of its tokens that
 * are the most likely next token (within a numeric near-tie, ≥ half the top probability) when the
 * prompt and continuation are evaluated again on one sequence alone. Greedy text decoded correctly
 * scores ~1 even where batch shapes break ties differently; garbled text scores far lower.
 */
export async function greedyShare(seq: LlamaContextSequence, prompt: Token[], continuation: Token[]): Promise<number> {
  if (continuation.length === 0) return 1;
  await seq.clearHistory();
  const input = [...prompt, ...continuation];
  const items = input.map((t, i): ControlledEvaluateInputItem =>
    i >= prompt.length - 1 && i < input.length - 1 ? [t, { generateNext: { probabilities: true } }] : t,
  );
  const out = await seq.controlledEvaluate(items);
  let top = 0;
  for (const [k, token] of continuation.entries()) {
    const probs = out[prompt.length - 1 + k]!.next.probabilities!;
    const best = probs.values().next().value!;
    if ((probs.get(token) ?? 0) >= 0.5 * best) top++;
  }
  return top / continuation.length;
}
