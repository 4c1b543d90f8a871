export { manifest, type ManifestEntry } from './manifest.ts';
export { resolveModel } from './resolve.ts';
export { ModelFileError } from './verify.ts';
