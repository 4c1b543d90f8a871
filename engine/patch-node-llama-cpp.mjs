#!/usr/bin/env node
// Adds to node-llama-cpp's addon source, before it is built (deploy/gpu-node.sh build for CUDA,
// engine/build-addon.sh for the CPU addon over the prebuilt llama.cpp libraries):
//
//   kvUnified       one KV cache for all of a context's sequences. node-llama-cpp fixes
//                   kv_unified=false, which gives each sequence its own cache stream; llama.cpp then
//                   computes a batch in one pass only per run of consecutive sequence ids, so a batch
//                   of sequences 0, 2, 4 costs three passes (docs/benchmarks.md measures it).
//   backendTopK     the GPU keeps each sampled position's K highest logits and copies those to the
//                   host instead of the whole vocabulary, which node-llama-cpp's sampler otherwise
//                   copies for every token under one lock shared by all sequences. node-llama-cpp
//                   samples from the top 40 (its topK default) anyway, so K >= 40 changes no token.
//   generateRounds  decode rounds run natively (engine/addon/AddonGenerateRounds.cpp, copied in).
//   batch checks    with a unified KV cache llama.cpp checks every batch against all 256 possible
//                   sequence ids, not the context's own: 66 µs a decode on a 2-core CPU, a tenth
//                   of a decode's time on an H100 (docs/benchmarks.md). node-llama-cpp only uses ids
//                   below its sequence count, so the checks cover those. This edit is to llama.cpp's
//                   source and applies where that source is present: the CUDA build compiles it;
//                   the CPU addon links the prebuilt libraries, and kvUnified stays off there.
//
// The two context options need the JavaScript edit too; generateRounds is called directly.
// Prebuilt addons have none of them, and understudy then runs as before.
// Idempotent: a patched file is left alone. Fails loudly when node-llama-cpp's source has moved.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? 'node_modules/node-llama-cpp');
const MARK = 'understudy: kvUnified/backendTopK/generateRounds';
const ROUNDS_SOURCE = 'AddonGenerateRounds.cpp';

const edits = {
  'llama/addon/AddonContext.h': [
    ['        bool memoryDisposed = false;\n',
      `        bool memoryDisposed = false;\n        // ${MARK}\n        std::vector<llama_sampler_seq_config> backendSamplers;\n        std::shared_ptr<void> roundsThread; // ${ROUNDS_SOURCE}\n`],
    ['        Napi::Value DecodeBatch(const Napi::CallbackInfo& info);\n',
      `        Napi::Value DecodeBatch(const Napi::CallbackInfo& info);\n        Napi::Value GenerateRounds(const Napi::CallbackInfo& info); // ${ROUNDS_SOURCE}\n`],
  ],
  'llama/addon/AddonContext.cpp': [
    ['        if (options.Has("swaFullCache")) {\n            context_params.swa_full = options.Get("swaFullCache").As<Napi::Boolean>().Value();\n        }\n',
      `        if (options.Has("swaFullCache")) {
            context_params.swa_full = options.Get("swaFullCache").As<Napi::Boolean>().Value();
        }

        // ${MARK}
        if (options.Has("kvUnified")) {
            context_params.kv_unified = options.Get("kvUnified").As<Napi::Boolean>().Value();
        }

        if (options.Has("backendTopK") && options.Get("backendTopK").As<Napi::Number>().Int32Value() > 0) {
            const auto k = options.Get("backendTopK").As<Napi::Number>().Int32Value();
            for (uint32_t seq = 0; seq < context_params.n_seq_max; seq++) {
                auto * chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
                llama_sampler_chain_add(chain, llama_sampler_init_top_k(k));
                backendSamplers.push_back({ (llama_seq_id) seq, chain });
            }
            context_params.samplers = backendSamplers.data();
            context_params.n_samplers = backendSamplers.size();
        }
`],
    ['                InstanceMethod("decodeBatch", &AddonContext::DecodeBatch),\n',
      `                InstanceMethod("decodeBatch", &AddonContext::DecodeBatch),\n                InstanceMethod("generateRounds", &AddonContext::GenerateRounds), // ${MARK}\n`],
    ['        llama_free(currentCtx);\n',
      `        llama_free(currentCtx);\n        // ${MARK}\n        for (auto & s : backendSamplers) llama_sampler_free(s.sampler);\n        backendSamplers.clear();\n`],
  ],
  'dist/evaluator/LlamaContext/LlamaContext.js': [
    ['experimentalKvCacheKeyType, experimentalKvCacheValueType, _embeddings, _ranking }) {',
      `experimentalKvCacheKeyType, experimentalKvCacheValueType, _embeddings, _ranking, kvUnified, backendTopK }) { // ${MARK}`],
    ['            swaFullCache: this._swaFullCache\n        }));',
      '            swaFullCache: this._swaFullCache,\n            kvUnified,\n            backendTopK\n        }));'],
    ['        const kvUnified = false;\n', `        const kvUnified = options.kvUnified ?? false; // ${MARK}\n`],
  ],
  'llama/llama.cpp/src/llama-context.cpp': [
    ['    const uint32_t n_seq_max = cparams.kv_unified ? LLAMA_MAX_SEQ : cparams.n_seq_max;\n',
      `    const uint32_t n_seq_max = cparams.n_seq_max; // ${MARK}: node-llama-cpp uses ids below n_seq_max\n`],
  ],
};
// Files edited only where they exist (llama.cpp's source is checked out for source builds alone).
const optional = new Set(['llama/llama.cpp/src/llama-context.cpp']);

// Every file is edited in memory first, so a source that moved leaves all of them untouched.
const patched = [];
for (const [file, pairs] of Object.entries(edits)) {
  const p = path.join(root, file);
  if (optional.has(file) && !existsSync(p)) continue;
  let text = readFileSync(p, 'utf8');
  if (text.includes(MARK)) {
    console.log(`already patched: ${file}`);
    continue;
  }
  for (const [find, replace] of pairs) {
    const at = text.indexOf(find);
    if (at < 0 || text.indexOf(find, at + 1) >= 0) {
      console.error(`${p}: expected exactly one ${JSON.stringify(find.slice(0, 60))}; node-llama-cpp changed, update this patch`);
      process.exit(1);
    }
    text = text.slice(0, at) + replace + text.slice(at + find.length);
  }
  patched.push([file, p, text]);
}
for (const [file, p, text] of patched) {
  writeFileSync(p, text);
  console.log(`patched: ${file}`);
}
// The addon's CMakeLists compiles every addon/*.cpp, so the new source only needs to be there.
copyFileSync(path.join(import.meta.dirname, 'addon', ROUNDS_SOURCE), path.join(root, 'llama/addon', ROUNDS_SOURCE));
console.log(`copied: llama/addon/${ROUNDS_SOURCE}`);
