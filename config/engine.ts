import { z } from 'zod';

/**
 * The engine's tuning (engine/, docs/engine.md): knobs a lab sets when it measures a host, apart
 * from the settings an operator chooses in schema.ts. The defaults are right on CPU and GPU hosts.
 */
export const engineSchema = z
  .object({
    /** llama.cpp threads for the student and the local teacher; 0 = node-llama-cpp's default, at most one per CPU core. Use 1 on a busy shared CPU, where spinning threads stall each other. */
    threads: z.number().int().min(0).max(256).default(0),
    /** llama.cpp threads for the distillation job's own model runs (`distill generate`, the gate, bootstrap; the local teacher's too); 0 = engine.threads. 1 avoids thread-sync stalls on a busy CPU. */
    jobThreads: z.number().int().min(0).default(0),
    /**
     * One KV cache for all sequences of a context, so llama.cpp decodes any set of them in one
     * pass. Takes effect only in an addon built by `deploy/gpu-node.sh build`, which patches
     * node-llama-cpp (engine/patch-node-llama-cpp.mjs); prebuilt addons ignore it.
     */
    kvUnified: z.boolean().default(true),
    /**
     * The GPU sends the host each sampled token's K highest logits instead of the whole
     * vocabulary; node-llama-cpp samples from its top 40 anyway, so K ≥ 40 changes no token.
     * 0 = off. Same build condition as kvUnified.
     */
    backendTopK: z.number().int().min(0).max(1000).default(40),
    /**
     * Decode rounds run inside the addon (true), or through node-llama-cpp's own token loop,
     * which crosses into JavaScript twice per token (false). Takes effect in an addon built by
     * engine/build-addon.sh (setup runs it on CPU hosts) or `deploy/gpu-node.sh build`.
     */
    nativeDecode: z.boolean().default(true),
  })
  .strict()
  .default({});
