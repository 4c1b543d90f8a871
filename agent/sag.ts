import type { ActionResult, Sandbox } from '../sandbox/index.ts';
import type { CandidateRecord } from '../store/types.ts';
import { answerKey } from './normalize.ts';
import { observationOf } from './observation.ts';
import { parseAction, type ParsedAction } from './parse.ts';
import { vote } from './vote.ts';

export interface Candidate {
  text: string;
  parsed: ParsedAction;
  result: ActionResult | null;
  observation: string;
  sandbox: Sandbox | null;
}

export interface SagOutcome {
  chosen: Candidate;
  /** The sandbox the run continues in: the winner's copy (or the step's own when the winner never ran). */
  sandbox: Sandbox;
  records: CandidateRecord[];
  agreement: number;
}

function keyOf(c: Candidate): string | null {
  if (!c.result || c.result.error) return null;
  if (c.result.finalAnswer) return `final:${answerKey(c.result.finalAnswer.value)}`;
  return `obs:${c.observation}`;
}

/**
 * Self-consistent action generation: each candidate's code runs on its own fork of the step's
 * sandbox (so candidates neither see each other's state nor re-run tool calls), failures are
 * dropped, and the rest vote. The winner's fork carries the run on; the others are disposed.
 */
export async function selectAction(sandbox: Sandbox, texts: string[]): Promise<SagOutcome> {
  const candidates = await Promise.all(
    texts.map(async (text): Promise<Candidate> => {
      const parsed = parseAction(text);
      if (!parsed.code) return { text, parsed, result: null, observation: parsed.error!, sandbox: null };
      const fork = await sandbox.fork();
      const result = await fork.run(parsed.code);
      return { text, parsed, result, observation: observationOf(result), sandbox: fork };
    }),
  );
  const keys = candidates.map(keyOf);
  const { winner, votes, agreement } = vote(keys);
  const chosen = candidates[winner]!;
  for (const c of candidates) if (c !== chosen) c.sandbox?.dispose();
  let next = sandbox;
  if (chosen.sandbox) {
    sandbox.dispose();
    next = chosen.sandbox;
  }
  const records = candidates.map(
    (c, i): CandidateRecord => ({
      text: c.text,
      code: c.parsed.code,
      observation: c.observation,
      error: c.parsed.error ?? (c.result?.error ? `${c.result.error.kind}: ${c.result.error.message}` : null),
      finalAnswer: c.result?.finalAnswer?.value ?? null,
      voteKey: keys[i]!,
      votes: votes[i]!,
      chosen: i === winner,
    }),
  );
  return { chosen, sandbox: next, records, agreement };
}
