import { answerKey } from '../answers/index.ts';
import type { ActionResult, Sandbox } from '../sandbox/index.ts';
import type { CandidateRecord } from '../store/index.ts';
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

/** Parses a candidate and runs its code on its own fork of the step's sandbox. */
async function runCandidate(sandbox: Sandbox, text: string): Promise<Candidate> {
  const parsed = parseAction(text);
  if (!parsed.code) return { text, parsed, result: null, observation: parsed.error!, sandbox: null };
  let fork: Sandbox;
  try {
    fork = await sandbox.fork();
  } catch (e) {
    // A fork that cannot equal the live state rejects: the candidate fails and never votes.
    const message = `the sandbox could not be copied for this candidate: ${(e as Error).message}`;
    const result: ActionResult = { output: '', value: null, finalAnswer: null, durationMs: 0, toolCalls: [], error: { kind: 'runtime', message, line: null } };
    return { text, parsed, result, observation: observationOf(result), sandbox: null };
  }
  const result = await fork.run(parsed.code);
  return { text, parsed, result, observation: observationOf(result), sandbox: fork };
}

/** The observation (and error) of a candidate stopped because the vote was already decided. */
export const STOPPED = 'not finished: the vote was already decided';

/**
 * Self-consistent action generation over one step's N candidates: each candidate's code runs on
 * its own fork of the step's sandbox (so candidates neither see each other's state nor re-run
 * tool calls), failures are dropped, and the rest vote. The winner's fork carries the run on; the
 * others are disposed.
 *
 * Candidates are added as each one finishes decoding (`add`), so they run while the others still
 * decode. With `earlyStop`, `enough` aborts once the candidates not yet counted can change neither
 * the winner (the largest group leads every other by more than their number) nor the router's
 * verdict on the agreement (it is at least `minAgreement` already, or stays below it even if they
 * all join the winner); the step need not wait for its longest candidate. Those candidates are
 * recorded as stopped and count as disagreeing, so `agreement` is then a lower bound.
 */
export class SagStep {
  readonly #enough = new AbortController();
  readonly #pending = new Map<number, Promise<Candidate>>();
  readonly #keys = new Map<number, string | null>();

  constructor(private readonly sandbox: Sandbox, private readonly n: number, private readonly earlyStop: { minAgreement: number } | null) {}

  /** Aborts once the vote is decided (early stop); the model stops the candidates still decoding. */
  get enough(): AbortSignal {
    return this.#enough.signal;
  }

  /** Candidate `index` finished decoding with `text`; resolves once it has run and been counted. */
  add(index: number, text: string): Promise<void> {
    const candidate = runCandidate(this.sandbox, text).then((c) => {
      this.#keys.set(index, keyOf(c));
      if (this.#decided()) this.#enough.abort();
      return c;
    });
    this.#pending.set(index, candidate);
    // A failure surfaces in finish() or discard(), not as an unhandled rejection.
    return candidate.then(() => undefined, () => undefined);
  }

  /** The generation failed: frees the forks of the candidates that ran. */
  async discard(): Promise<void> {
    for (const c of await Promise.allSettled(this.#pending.values())) if (c.status === 'fulfilled') c.value.sandbox?.dispose();
  }

  #decided(): boolean {
    if (!this.earlyStop) return false;
    const sizes = new Map<string, number>();
    for (const k of this.#keys.values()) if (k !== null) sizes.set(k, (sizes.get(k) ?? 0) + 1);
    const [lead = 0, second = 0] = [...sizes.values()].sort((a, b) => b - a);
    const open = this.n - this.#keys.size;
    const { minAgreement } = this.earlyStop;
    return lead > second + open && (lead >= minAgreement * this.n || lead + open < minAgreement * this.n);
  }

  /**
   * Votes once the generation has returned all N texts: candidates never added are run now, unless
   * the vote was decided early, which is why they did not finish. Once it is decided, a candidate
   * whose code still runs (a loop waiting for the action's time limit, say) is not waited for.
   */
  async finish(texts: string[]): Promise<SagOutcome> {
    for (const [i, text] of texts.entries()) if (!this.#pending.has(i) && !this.enough.aborted) this.add(i, text);
    const candidates = await Promise.all(texts.map((text, i) => this.#counted(i, text)));
    return decide(this.sandbox, candidates);
  }

  /** Candidate `index` once it has run, or stopped if the vote is decided first (its fork is freed when its code ends). */
  #counted(index: number, text: string): Promise<Candidate> | Candidate {
    const stopped: Candidate = { text, parsed: { thought: '', code: null, error: STOPPED }, result: null, observation: STOPPED, sandbox: null };
    const pending = this.#pending.get(index);
    if (!pending) return stopped;
    return new Promise((resolve, reject) => {
      const stop = () => {
        // The abort that a candidate's own count triggers comes after its key is set: that one is counted.
        if (this.#keys.has(index)) return;
        void pending.then((c) => c.sandbox?.dispose(), () => undefined);
        resolve(stopped);
      };
      if (this.enough.aborted) stop();
      else this.enough.addEventListener('abort', stop, { once: true });
      pending.then(resolve, reject).finally(() => this.enough.removeEventListener('abort', stop));
    });
  }
}

function decide(sandbox: Sandbox, candidates: Candidate[]): SagOutcome {
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
