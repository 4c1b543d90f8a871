// The journal of actions that shaped a sandbox's state, and the playback that rebuilds that state
// in a fresh isolate (a fork, or the replacement of a dead one) without calling any tool again.
//
// Actions are deterministic given their code, the tool results they saw, the clock the host set
// and the seeded Math.random, so a replay must repeat each action exactly: the same tool calls with
// the same arguments, in the same order, and the same result. Anything else means the copy
// diverged, and the playback says where instead of handing out a different state.

import type { ToolHandler } from './runtime.ts';
import type { ActionResult } from './types.ts';

/** One tool call as the host answered it: the arguments and the result as JSON, or the error. */
export type RecordedCall = { name: string; json: string } & ({ result: string } | { error: string });

export interface JournalEntry {
  code: string;
  /** The clock the action started at. */
  now: number;
  calls: RecordedCall[];
  /** What the action ended with (digestOf). */
  digest: string;
}

/** The part of a result a replay must reproduce. */
export function digestOf(outcome: string, r: ActionResult): string {
  return JSON.stringify([outcome, r.output, r.value, r.finalAnswer, r.error]);
}

/** Answers one replayed action's tool calls from its recording and notes where it departs from it. */
export class Playback {
  #next = 0;
  #divergence: string | null = null;

  constructor(private readonly entry: JournalEntry) {}

  readonly onTool: ToolHandler = async (name, json) => {
    const call = this.entry.calls[this.#next];
    if (!call || call.name !== name || call.json !== json) {
      this.#divergence ??= `it called ${name}(${json.slice(0, 200)}) where the live action ` +
        (call ? `called ${call.name}(${call.json.slice(0, 200)})` : 'made no further tool call');
      throw new Error(`${name}() was not called here when this action first ran`);
    }
    this.#next++;
    if ('error' in call) throw new Error(call.error);
    return call.result;
  };

  /** Why the replayed action did not repeat the live one, or null when it did. */
  divergence(digest: string): string | null {
    if (this.#divergence) return this.#divergence;
    if (this.#next < this.entry.calls.length) return `it made ${this.#next} of the live action's ${this.entry.calls.length} tool calls`;
    if (digest !== this.entry.digest) return `it ended with ${digest.slice(0, 300)} where the live action ended with ${this.entry.digest.slice(0, 300)}`;
    return null;
  }
}
