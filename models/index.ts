export { manifest, type ManifestEntry } from './manifest.ts';
export { resolveModel } from './resolve.ts';
export { loadModel, sharedLlama, disposeModels } from './llama.ts';
export { ModelFileError } from './verify.ts';
