import path from 'node:path';
import { resolveModelFile } from 'node-llama-cpp';
import { modelCacheDir, type Config } from '../config/index.ts';
import { manifest } from './manifest.ts';
import { checkGgufFile, verifyModelFile } from './verify.ts';

/**
 * Turns a model reference into a verified local GGUF path. One code path for every kind:
 * a manifest name (sha256-checked), an `hf:`/URL URI (downloaded by node-llama-cpp into the
 * model cache), or a local file.
 */
export async function resolveModel(config: Config, ref: string): Promise<string> {
  const entry = manifest()[ref];
  if (entry) {
    const file = path.join(modelCacheDir(config), entry.file);
    await verifyModelFile(ref, file, entry);
    return file;
  }
  if (/^(hf:|https?:)/.test(ref)) {
    const file = await resolveModelFile(ref, { directory: path.join(modelCacheDir(config), 'user'), cli: process.stderr.isTTY });
    checkGgufFile(file);
    return file;
  }
  const file = path.resolve(ref);
  checkGgufFile(file);
  return file;
}
