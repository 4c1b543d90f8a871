import type { ControlledEvaluateInputItem, LlamaContextSequence, Token } from 'node-llama-cpp';

/** How a sequence picks its next token: greedy at temperature 0, else seeded top-p sampling. */
export interface Sampling {
  temperature: number;
  topP: number;
  seed: number;
}

interface Request {
  seq: LlamaContextSequence;
  tokens: Token[];
  sampling: Sampling;
  resolve: (token: Token) => void;
  reject: (err: unknown) => void;
}

/**
 * Lock-step decoding for every sequence of one llama.cpp context. Each generating sequence asks for
 * its next token here; a round sends all waiting requests to node-llama-cpp in the same tick, so
 * llama.cpp decodes them in one batch, and answers them all at once, so they ask again together.
 * Sequences that each ran their own `evaluate()` loop drifted apart (their samples finish at
 * different times) and split every step into several small batches; on a GPU, where one batch of
 * 8 tokens costs about as much as one token, that made SAG and concurrent questions nearly serial.
 * A request made while a round runs waits for the next round.
 */
export class DecodeRounds {
  #waiting: Request[] = [];
  #running = false;
  #scheduled = false;
  /** Rounds run and tokens requested, for benchmarks: their ratio is the mean batch of sequences. */
  readonly stats = { rounds: 0, requests: 0 };

  /** Evaluates `tokens` on `seq` (the uncached prompt, or the last sampled token) and samples the next one. */
  next(seq: LlamaContextSequence, tokens: Token[], sampling: Sampling): Promise<Token> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ seq, tokens, sampling, resolve, reject });
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
    const round = this.#waiting.splice(0);
    this.#running = true;
    this.stats.rounds++;
    this.stats.requests += round.length;
    const results = await Promise.allSettled(round.map((r) => evaluateAndSample(r)));
    this.#running = false;
    results.forEach((res, i) => (res.status === 'fulfilled' ? round[i]!.resolve(res.value) : round[i]!.reject(res.reason)));
    this.#schedule();
  }
}

async function evaluateAndSample({ seq, tokens, sampling }: Request): Promise<Token> {
  const options = sampling.temperature > 0 ? sampling : { temperature: 0 };
  const input = tokens.map((t, i): ControlledEvaluateInputItem => (i === tokens.length - 1 ? [t, { generateNext: { token: true, options } }] : t));
  const out = await seq.controlledEvaluate(input);
  const token = out[tokens.length - 1]?.next?.token;
  if (token == null) throw new Error('llama.cpp sampled no token');
  return token;
}
