/** The outcome of one self-consistent vote over N candidates. */
export interface VoteResult {
  /** Index of the chosen candidate. */
  winner: number;
  /** For each candidate, the size of the group it belongs to (0 for failed candidates). */
  votes: number[];
  /** Share of all N candidates that agree with the winner (0 when all failed). */
  agreement: number;
}

/**
 * Majority vote over candidate keys (null = the candidate failed). The largest group wins,
 * ties go to the group whose first member came first, and when all failed the first candidate
 * is kept.
 */
export function vote(keys: (string | null)[]): VoteResult {
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    if (k === null) return;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const votes = keys.map((k) => (k === null ? 0 : groups.get(k)!.length));
  let best: number[] | undefined;
  for (const g of groups.values()) {
    if (!best || g.length > best.length || (g.length === best.length && g[0]! < best[0]!)) best = g;
  }
  if (!best) return { winner: 0, votes, agreement: 0 };
  return { winner: best[0]!, votes, agreement: keys.length ? best.length / keys.length : 0 };
}
