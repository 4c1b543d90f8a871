import { availableParallelism } from 'node:os';
import type { LlamaEmbeddingContext } from 'node-llama-cpp';
import type { Config } from '../config/index.ts';
import { loadModel } from '../engine/index.ts';

export interface Embedder {
  embed(texts: string[], onDone?: (n: number) => void): Promise<number[][]>;
  dispose(): Promise<void>;
}

const CONTEXT_SIZE = 512;

function normalize(v: readonly number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/**
 * A pool of single-threaded embedding contexts, one per core (at most 4). Measured on 2 cores:
 * 2 contexts x 1 thread embed ~20% faster than 1 context x 2 threads, and queries are faster
 * single-threaded; more threads than cores collapse throughput (ggml threads spin).
 */
export async function createEmbedder(config: Config): Promise<Embedder> {
  const model = await loadModel(config, config.models.embedding);
  const n = Math.max(1, Math.min(4, availableParallelism()));
  const contexts = await Promise.all(
    Array.from({ length: n }, () => model.createEmbeddingContext({ contextSize: CONTEXT_SIZE, batchSize: CONTEXT_SIZE, threads: 1 })),
  );
  const idle = [...contexts];
  const waiters: ((c: LlamaEmbeddingContext) => void)[] = [];
  const acquire = () => new Promise<LlamaEmbeddingContext>((resolve) => (idle.length ? resolve(idle.pop()!) : waiters.push(resolve)));
  const release = (c: LlamaEmbeddingContext) => (waiters.length ? waiters.shift()!(c) : idle.push(c));

  async function embedOne(text: string): Promise<number[]> {
    const ctx = await acquire();
    try {
      // Longer inputs are truncated to the model's window; chunks are sized to fit it anyway.
      const tokens = model.tokenize(text).slice(0, CONTEXT_SIZE - 4);
      return normalize((await ctx.getEmbeddingFor(tokens)).vector);
    } finally {
      release(ctx);
    }
  }

  return {
    async embed(texts, onDone) {
      return Promise.all(
        texts.map(async (t) => {
          const v = await embedOne(t);
          onDone?.(1);
          return v;
        }),
      );
    },
    async dispose() {
      await Promise.all(contexts.map((c) => c.dispose()));
    },
  };
}
