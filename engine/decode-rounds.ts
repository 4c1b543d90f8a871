import type { Token } from 'node-llama-cpp';

/** A sequence's token stream: node-llama-cpp's `LlamaContextSequence.evaluate()` generator. */
export type TokenStream = AsyncGenerator<Token, void, void | Token | Token[]>;

interface Request {
  stream: TokenStream;
  order: number;
  resolve: (token: Token | null) => void;
  reject: (err: unknown) => void;
}

/**
 * Lock-step decoding for every sequence of one llama.cpp context. Each generating sequence asks
 * for its next token here; a round resumes all waiting token streams in the same tick, so
 * node-llama-cpp queues their tokens into one llama.cpp batch, and answers them all at once, so
 * they ask again together. Streams each pulled by their own loop drifted apart (their samples
 * finish at different times) and split every step into several small batches, each costing nearly
 * a full pass on a GPU, where a batch of 8 tokens costs little more than one. Each stream keeps
 * its own sampler (a fresh one per token costs a vocabulary-sized allocation). A request made
 * while a round runs waits for the next round.
 *
 * Order matters: node-llama-cpp gives every sequence its own KV-cache stream, and llama.cpp then
 * computes a batch in one pass only over a run of consecutive sequence ids, in batch order (a
 * batch of sequences 3, 1, 2, 0 takes three passes). So a round queues its streams by `order`, the
 * sequence's id in the context. (With a unified KV cache, `engine.kvUnified` in the patched GPU build, any
 * batch is one pass.)
 */
export class DecodeRounds {
  #waiting: Request[] = [];
  #running = false;
  #scheduled = false;
  /**
   * For benchmarks: rounds run, tokens requested (per round: the mean batch of sequences), the
   * runs of consecutive sequence ids among them (per round: llama.cpp's passes with a KV-cache
   * stream per sequence), and the milliseconds while a round ran (against a run's wall time: how
   * much of it the model kept the context busy).
   */
  readonly stats = { rounds: 0, requests: 0, idRuns: 0, busyMs: 0 };

  /**
   * The stream's next token (evaluating the prompt first, or the token before), or null when it
   * ended. `order`: the stream's sequence id in the context (the how-manieth `getSequence()`).
   */
  next(stream: TokenStream, order: number): Promise<Token | null> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ stream, order, resolve, reject });
      this.#schedule();
    });
  }

  /** On the next event-loop turn, after every caller answered by the last round has asked again. */
  #schedule(): void {
    if (this.#running || this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#round();
    });
  }

  async #round(): Promise<void> {
    const round = this.#waiting.splice(0).sort((a, b) => a.order - b.order);
    this.#running = true;
    this.stats.rounds++;
    this.stats.requests += round.length;
    this.stats.idRuns += round.filter((r, i) => i === 0 || r.order !== round[i - 1]!.order + 1).length;
    const start = performance.now();
    const results = await Promise.allSettled(round.map((r) => r.stream.next()));
    this.stats.busyMs += performance.now() - start;
    this.#running = false;
    results.forEach((res, i) => {
      if (res.status === 'rejected') round[i]!.reject(res.reason);
      else round[i]!.resolve(res.value.done ? null : res.value.value);
    });
    this.#schedule();
  }
}
