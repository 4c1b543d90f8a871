import { withLock } from 'lifecycle-utils';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';

/**
 * A call returns to JavaScript after this long (and at least one round), so a stream that should
 * stop (a decided vote, a stop string the addon missed) or a question waiting to join or to
 * evaluate its prompt waits at most this beyond one round.
 */
const BUDGET_MS = 25;

export type Sampling = { temperature: number; topP?: number; seed?: number };

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

// node-llama-cpp internals (pinned at 3.22.1): the addon's context and sampler, and the
// sequence state that its own token loop keeps.
interface AddonSampler {
  applyConfig(config: object): void;
  dispose(): void;
}
interface AddonStream {
  sequenceId: number;
  position: number;
  tokens: Token[];
  sampler: AddonSampler;
  maxTokens: number;
  stop: string[];
}
interface AddonRounds {
  rounds: number;
  streamRounds: number;
  idRuns: number;
  ms: number;
  error: string | null;
  streams: { tokens: Uint32Array; fed: number; end: number; firstMs: number }[];
}
interface ContextInternals {
  _ctx: { generateRounds?: (streams: AddonStream[], budgetMs: number) => Promise<AddonRounds> };
  _backendContextDisposeGuard: { createPreventDisposalHandle(): { dispose(): void } };
}
interface SequenceInternals {
  _sequenceId: number;
  _contextTokens: Token[];
  _nextTokenIndex: number;
  _resolveSamplerConfig(options: Sampling): object;
}
interface ModelInternals {
  _model: unknown;
  _llama: { _bindings: { AddonSampler: new (model: unknown) => AddonSampler } };
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
 * Decode rounds inside the addon (deploy/addon/AddonGenerateRounds.cpp) for every generating
 * sequence of one context: each call runs rounds for all running streams until its time budget,
 * then records the fed tokens in node-llama-cpp's sequence state, so node-llama-cpp's own methods
 * (prompt evaluation, cache comparison, erasing) keep working on these sequences. Streams that
 * start while a call runs join the next one. Holds node-llama-cpp's context lock during a call.
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

  /** Whether the loaded addon has generateRounds (a build with deploy/patch-node-llama-cpp.mjs). */
  static supported(context: LlamaContext): boolean {
    return typeof (context as unknown as ContextInternals)._ctx.generateRounds === 'function';
  }

  generate(request: NativeRequest): Promise<NativeResult> {
    const internals = this.model as unknown as ModelInternals;
    const sampler = new internals._llama._bindings.AddonSampler(internals._model);
    sampler.applyConfig(sequenceOf(request.sequence)._resolveSamplerConfig(request.sampling));
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
      const batch = [...this.#streams].sort((a, b) => sequenceOf(a.request.sequence)._sequenceId - sequenceOf(b.request.sequence)._sequenceId);
      if (batch.length > 0) await this.#call(batch).catch((err: unknown) => batch.forEach((s) => this.#end(s, err)));
    }
    this.#running = false;
  }

  async #call(batch: Stream[]): Promise<void> {
    const context = this.context as unknown as ContextInternals;
    const guard = context._backendContextDisposeGuard.createPreventDisposalHandle();
    try {
      await withLock([this.context, 'context'], async () => {
        const start = performance.now();
        const result = await context._ctx.generateRounds!(
          batch.map((s) => ({
            sequenceId: sequenceOf(s.request.sequence)._sequenceId,
            position: sequenceOf(s.request.sequence)._nextTokenIndex,
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
          const seq = sequenceOf(s.request.sequence);
          seq._contextTokens = seq._contextTokens.concat(fed);
          seq._nextTokenIndex += fed.length;
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

const sequenceOf = (sequence: LlamaContextSequence) => sequence as unknown as SequenceInternals;
