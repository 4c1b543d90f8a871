// The engine: everything that knows node-llama-cpp, its internals (internals.ts) and the addon
// understudy builds for it (addon/, build-addon.sh, patch-node-llama-cpp.mjs). The rest of the
// project loads and runs local models through this face only.
export { LocalModel, type LoadOptions } from './local-model.ts';
export { ContextFullError, cutAtStop, type ChatTurn, type GenerateOptions, type Generation } from './generation.ts';
export { contextOptions, disposeModels, loadModel, sharedLlama } from './llama.ts';
// For bench:gpu, which measures the engine itself.
export { DecodeRounds } from './decode-rounds.ts';
export { timeAddonCalls } from './internals.ts';
