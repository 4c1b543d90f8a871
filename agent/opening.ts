/**
 * The step a run on a question the documents may answer opens with: a search for the question
 * itself, printed, written as the agent's own first turn. Small models plan searches poorly (five
 * paraphrased queries, then arithmetic on the results) while the question itself finds the right
 * document for nearly every handbook question; from here the model only has to read and answer.
 * Distilled trajectories keep it, so the student learns to open this way too. Like a model's turn,
 * it ends before the `<end_code>` marker, which the loop adds.
 */
export function searchOpening(question: string): string {
  const query = question.replace(/\s+/g, ' ').trim();
  return `Thought: I will search the documents for the question first.\nCode:\n\`\`\`js\nprint(search(${JSON.stringify(query)}));\n\`\`\``;
}
