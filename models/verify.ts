import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';

export class ModelFileError extends Error {}

function stampFile(file: string): string {
  return `${file}.verified`;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Checks a manifest model against its sha256. A stamp next to the file (the same one
 * deploy/fetch_models.py writes) records hash, size and mtime, so unchanged files are not rehashed.
 */
export async function verifyModelFile(name: string, file: string, expected: { sha256: string; size: number }): Promise<void> {
  if (!existsSync(file)) {
    throw new ModelFileError(`model "${name}" is missing: ${file} does not exist. Run \`npm run setup\` to fetch the default models.`);
  }
  const st = statSync(file);
  const stamp = `${expected.sha256} ${st.size} ${Math.floor(st.mtimeMs / 1000)}`;
  if (existsSync(stampFile(file)) && readFileSync(stampFile(file), 'utf8').trim() === stamp) return;
  const actual = st.size === expected.size ? await sha256(file) : `(size ${st.size}, expected ${expected.size})`;
  if (actual !== expected.sha256) {
    throw new ModelFileError(
      `model "${name}" is corrupt: ${file} has sha256 ${actual}, the manifest expects ${expected.sha256}. ` +
        'Delete the file and run `npm run setup` to fetch it again.',
    );
  }
  writeFileSync(stampFile(file), stamp + '\n');
}

const GGUF_MAGIC = Buffer.from('GGUF');

/** A user-supplied model must at least be a readable GGUF file. */
export function checkGgufFile(file: string): void {
  if (!existsSync(file)) throw new ModelFileError(`model file ${file} does not exist. Check the path in your config.`);
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.equals(GGUF_MAGIC)) throw new ModelFileError(`model file ${file} is not a GGUF file (bad magic bytes).`);
}
