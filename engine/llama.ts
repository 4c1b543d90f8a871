import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import type { Config } from '../config/index.ts';
import { resolveModel } from '../models/index.ts';

let llama: Promise<Llama> | undefined;

/** One llama.cpp backend per process (CUDA/Vulkan when present, CPU otherwise). */
export function sharedLlama(): Promise<Llama> {
  llama ??= getLlama({ logLevel: LlamaLogLevel.error, build: 'never' }).then((l) => {
    // On a CPU backend node-llama-cpp shares at least 4 threads among the contexts; with fewer
    // cores, llama.cpp's spinning threads stall each other (on 2 cores, 16 tokens took 44 s
    // instead of 0.6 s). So the CPU's cores are the limit.
    if (l.gpu === false) l.maxThreads = Math.min(l.maxThreads, l.cpuMathCores);
    return l;
  });
  return llama;
}

const loaded = new Map<string, Promise<LlamaModel>>();

/** Loads (once per process) the model a reference names; see resolveModel for what a reference is. */
export function loadModel(config: Config, ref: string): Promise<LlamaModel> {
  const key = `${ref}|${config.models.gpuLayers}`;
  let model = loaded.get(key);
  if (!model) {
    model = (async () => {
      const file = await resolveModel(config, ref);
      const l = await sharedLlama();
      return l.loadModel({ modelPath: file, gpuLayers: config.models.gpuLayers });
    })();
    model.catch(() => loaded.delete(key));
    loaded.set(key, model);
  }
  return model;
}

/**
 * Options every generating context shares: llama.cpp threads, and the two that
 * engine/patch-node-llama-cpp.mjs adds to a source-built addon (prebuilt addons ignore them).
 */
export function contextOptions(config: Config): { threads?: number; kvUnified: boolean; backendTopK: number } {
  return {
    ...(config.engine.threads > 0 ? { threads: config.engine.threads } : {}),
    kvUnified: config.engine.kvUnified,
    backendTopK: config.engine.backendTopK,
  };
}

/** Frees every loaded model (at shutdown, and between test files). */
export async function disposeModels(): Promise<void> {
  const models = [...loaded.values()];
  loaded.clear();
  await Promise.allSettled(models.map(async (m) => (await m).dispose()));
}
