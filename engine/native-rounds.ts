import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { createSampler, generateRounds, nextPosition, preventDisposal, recordFed, sequenceId, withContextLock, type AddonSampler, type Sampling } from './internals.ts';

/**
 * A call returns to JavaScript after this long (and at least one round), so a stream that should
 * stop (a decided vote, a stop string the addon missed) or a question waiting to join or to
 * evaluate its prompt waits at most this beyond one round.
 */
const BUDGET_MS = 25;

export type { Sampling };

export interface NativeRequest {
  sequence: LlamaContextSequence;
  /**
   * The prompt's tokens not yet evaluated on `sequence` (at least one, at most the context's
   * batch size): the first round feeds them in one batch and samples after the last.
   */
  tokens: Token[];
  sampling: Sampling;
  stop: string[];
  maxTokens: number;
  /** Polled between calls with the tokens so far: true ends the stream there. */
  halt: (tokens: Token[]) => boolean;
}

export interface NativeResult {
  /** The sampled tokens; an end-of-generation token is not among them. */
  tokens: Token[];
  firstTokenAt: number;
  endAt: number;
}

interface Stream {
  request: NativeRequest;
  sampler: AddonSampler;
  tokens: Token[];
  /** Fed in the stream's next round: the prompt's rest, then the last sampled token. */
  pending: Token[];
  firstTokenAt: number;
  resolve: (result: NativeResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Decode rounds inside the addon (engine/addon/AddonGenerateRounds.cpp) for every generating
 * sequence of one context: each call runs rounds for all running streams until its time budget,
 * then records the fed tokens in node-llama-cpp's sequence state, so node-llama-cpp's own methods
 * (prompt evaluation, cache comparison, erasing) keep working on these sequences. Streams that
 * start while a call runs join the next one. Holds node-llama-cpp's context lock during a call.
 * Only for a context whose addon has generateRounds and whose internals passed checkInternals().
 */
export class NativeRounds {
  #streams = new Set<Stream>();
  #running = false;
  /** As DecodeRounds.stats (rounds, sequences fed in them, runs of consecutive ids, ms in calls), and the tokens fed. */
  readonly stats = { rounds: 0, requests: 0, idRuns: 0, busyMs: 0, fed: 0 };

  constructor(
    private readonly context: LlamaContext,
    private readonly model: LlamaModel,
  ) {}

  generate(request: NativeRequest): Promise<NativeResult> {
    const sampler = createSampler(this.model, request.sequence, request.sampling);
    return new Promise((resolve, reject) => {
      this.#streams.add({ request, sampler, tokens: [], pending: request.tokens, firstTokenAt: 0, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        void this.#run();
      }
    });
  }

  async #run(): Promise<void> {
    while (this.#streams.size > 0) {
      // A turn of the event loop first: streams starting together (a SAG step's candidates,
      // concurrent questions) join one call, and node-llama-cpp's queued prompt evaluations,
      // scheduled on the same turn, take the context lock before the next call.
      await new Promise((resolve) => setImmediate(resolve));
      for (const s of this.#streams) {
        try {
          if (s.request.halt(s.tokens)) this.#end(s);
        } catch (err) {
          this.#end(s, err);
        }
      }
      const batch = [...this.#streams].sort((a, b) => sequenceId(a.request.sequence) - sequenceId(b.request.sequence));
      if (batch.length > 0) await this.#call(batch).catch((err: unknown) => batch.forEach((s) => this.#end(s, err)));
    }
    this.#running = false;
  }

  async #call(batch: Stream[]): Promise<void> {
    const guard = preventDisposal(this.context);
    try {
      await withContextLock(this.context, async () => {
        const start = performance.now();
        const result = await generateRounds(
          this.context,
          batch.map((s) => ({
            sequenceId: sequenceId(s.request.sequence),
            position: nextPosition(s.request.sequence),
            tokens: s.pending,
            sampler: s.sampler,
            maxTokens: s.request.maxTokens - s.tokens.length,
            stop: s.request.stop,
          })),
          BUDGET_MS,
        );
        const end = performance.now();
        this.stats.rounds += result.rounds;
        this.stats.requests += result.streamRounds;
        this.stats.idRuns += result.idRuns;
        this.stats.busyMs += end - start;
        batch.forEach((s, i) => {
          const out = result.streams[i]!;
          const sampled = Array.from(out.tokens) as Token[];
          // Each round fed the stream's pending tokens and sampled the next one.
          const fed = [...s.pending, ...sampled].slice(0, out.fed);
          recordFed(s.request.sequence, fed);
          this.stats.fed += fed.length;
          if (out.firstMs >= 0 && s.firstTokenAt === 0) s.firstTokenAt = end - (result.ms - out.firstMs);
          s.tokens.push(...sampled);
          if (sampled.length > 0) s.pending = [sampled.at(-1)!];
          if (result.error) this.#end(s, new Error(result.error));
          else if (out.end !== 0) this.#end(s);
        });
      });
    } finally {
      guard.dispose();
    }
  }

  #end(s: Stream, err?: unknown): void {
    if (!this.#streams.delete(s)) return;
    s.sampler.dispose();
    if (err) s.reject(err);
    else s.resolve({ tokens: s.tokens, firstTokenAt: s.firstTokenAt, endAt: performance.now() });
  }
}
