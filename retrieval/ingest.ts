import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Collection } from 'chromadb';
import { chunkDocument, CHUNKER_VERSION, type Chunk } from './chunk.ts';
import { collectPaths } from './collect.ts';
import { storedDocs, type ChunkMeta } from './collection.ts';
import type { SourceDoc } from './document.ts';
import type { Embedder } from './embedder.ts';
import { loadFile } from './load.ts';
import type { IngestSummary } from './types.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const docHash = (d: SourceDoc) => sha(`${CHUNKER_VERSION}\0${d.title}\0${d.text}`).slice(0, 32);
const chunkId = (docKey: string, i: number) => `${sha(docKey).slice(0, 16)}:${i}`;
const isInside = (dir: string, file: string) => !path.relative(dir, file).startsWith('..');

/** The embedded text carries its heading path (or title), like the reference's `"title"\ntext` contents. */
const embedText = (doc: SourceDoc, c: Chunk) => `${c.headingPath ?? doc.title}\n${c.text}`;

interface Pending {
  doc: SourceDoc;
  hash: string;
  chunks: Chunk[];
  oldIds: string[];
}

const BATCH_CHUNKS = 64;

/**
 * Brings a collection in line with the given files and folders: new and changed documents are
 * (re)embedded, unchanged ones skipped by content hash, and documents that vanished from an
 * ingested folder (or from an ingested JSONL file) removed. Files that cannot be loaded are
 * reported and keep whatever they had before.
 */
export async function ingestPaths(
  collection: Collection,
  embedder: Embedder,
  paths: string[],
  maxBytes: number,
  onProgress?: (done: number, total: number) => void,
): Promise<IngestSummary> {
  const started = performance.now();
  const { files, dirs } = collectPaths(paths);
  const stored = await storedDocs(collection);
  const summary: IngestSummary = { added: 0, updated: 0, unchanged: 0, deleted: 0, skipped: [], chunks: 0, seconds: 0 };

  const seen = new Set<string>();
  const keptFiles = new Set<string>();
  const pending: Pending[] = [];
  for (const { file, source } of files) {
    const { docs, skipped } = await loadFile(file, source, maxBytes);
    summary.skipped.push(...skipped);
    if (skipped.some((s) => s.path === source)) keptFiles.add(file);
    for (const doc of docs) {
      seen.add(doc.key);
      const hash = docHash(doc);
      const old = stored.get(doc.key);
      if (old?.hash === hash) {
        summary.unchanged++;
        continue;
      }
      const chunks = await chunkDocument(doc);
      if (chunks.length) pending.push({ doc, hash, chunks, oldIds: old?.ids ?? [] });
      else summary.skipped.push({ path: doc.source, reason: 'no text under its headings' });
    }
  }

  const ingestedFiles = new Set(files.map((f) => f.file));
  const gone = [...stored].filter(
    ([key, d]) => !seen.has(key) && !keptFiles.has(d.file) && (ingestedFiles.has(d.file) || dirs.some((dir) => isInside(dir, d.file))),
  );
  const goneIds = gone.flatMap(([, d]) => d.ids);
  for (let i = 0; i < goneIds.length; i += 1000) await collection.delete({ ids: goneIds.slice(i, i + 1000) });
  summary.deleted = gone.length;

  const total = pending.reduce((n, p) => n + p.chunks.length, 0);
  let done = 0;
  onProgress?.(0, total);
  // Embedding is the slow part: write batch N to Chroma while batch N+1 is embedded.
  let writing: Promise<void> = Promise.resolve();
  for (let i = 0; i < pending.length; ) {
    const batch: Pending[] = [];
    let size = 0;
    while (i < pending.length && (size === 0 || size + pending[i]!.chunks.length <= BATCH_CHUNKS)) {
      size += pending[i]!.chunks.length;
      batch.push(pending[i++]!);
    }
    const vectors = await embedder.embed(
      batch.flatMap((p) => p.chunks.map((c) => embedText(p.doc, c))),
      (n) => onProgress?.((done += n), total),
    );
    await writing;
    writing = writeBatch(collection, batch, vectors);
    writing.catch(() => {}); // awaited on the next turn; this only avoids an unhandled-rejection crash meanwhile
    for (const p of batch) p.oldIds.length ? summary.updated++ : summary.added++;
    summary.chunks += size;
  }
  await writing;
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

async function writeBatch(collection: Collection, batch: Pending[], vectors: number[][]): Promise<void> {
  const ids: string[] = [];
  const metadatas: ChunkMeta[] = [];
  const documents: string[] = [];
  for (const { doc, hash, chunks } of batch) {
    chunks.forEach((c, i) => {
      ids.push(chunkId(doc.key, i));
      documents.push(c.text);
      const meta: ChunkMeta = { doc: doc.key, file: doc.file, source: doc.source, title: doc.title, hash, chunk: i };
      if (c.headingPath) meta.headingPath = c.headingPath;
      metadatas.push(meta);
    });
  }
  if (ids.length) await collection.upsert({ ids, embeddings: vectors, documents, metadatas });
  const fresh = new Set(ids);
  const stale = batch.flatMap((p) => p.oldIds.filter((id) => !fresh.has(id)));
  if (stale.length) await collection.delete({ ids: stale });
}
