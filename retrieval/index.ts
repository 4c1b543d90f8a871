import { ChromaClient, ChromaNotFoundError, type Collection } from 'chromadb';
import type { Config } from '../config/index.ts';
import { startLocalChroma, type LocalChroma } from './chroma-server.ts';
import { openCollection, type ChunkMeta } from './collection.ts';
import { createEmbedder, type Embedder } from './embedder.ts';
import { ingestPaths } from './ingest.ts';
import type { Chunk, IngestOptions, IngestSummary, Passage } from './types.ts';

export type { Chunk, IngestOptions, IngestSummary, Passage } from './types.ts';
export { formatPassages } from './format.ts';
export { MissingPathError } from './collect.ts';
export { ChromaStartError } from './chroma-server.ts';

export interface Retriever {
  search(query: string, k?: number, collection?: string): Promise<Passage[]>;
  ingest(paths: string[], opts?: IngestOptions): Promise<IngestSummary>;
  /** A page of a collection's chunks in Chroma's storage order; an unknown collection is an error. */
  chunks(collection: string, page: { limit: number; offset?: number }): Promise<Chunk[]>;
  /** How many chunks a collection holds (default `chroma.collection`); 0 for one that does not exist. */
  count(collection?: string): Promise<number>;
  /** Stops a Chroma server it started and frees the embedding contexts. */
  close(): Promise<void>;
}

/** `search` with its time split into query embedding and the Chroma query (for the bench). */
export interface TimedRetriever extends Retriever {
  searchTimed(query: string, k?: number, collection?: string): Promise<{ passages: Passage[]; embedMs: number; chromaMs: number }>;
}

class CollectionMissingError extends Error {
  readonly userFacing = true;
}

async function connect(url: string): Promise<ChromaClient> {
  const u = new URL(url);
  const ssl = u.protocol === 'https:';
  const client = new ChromaClient({ host: u.hostname, port: Number(u.port) || (ssl ? 443 : 80), ssl });
  try {
    await client.heartbeat();
  } catch (e) {
    throw Object.assign(new Error(`cannot reach the Chroma server at ${url} (${(e as Error).message}). Check CHROMA_URL, or unset it to let understudy start a local one.`), { userFacing: true });
  }
  return client;
}

/** Whether the Chroma server at `url` answers its heartbeat (a health check); throws why not. */
export async function pingChroma(url: string): Promise<void> {
  await connect(url);
}

/**
 * Opens the retrieval tool: the Chroma server from `chroma.url`, or a local one started here,
 * and the embedding model in-process.
 */
export async function openRetriever(config: Config): Promise<TimedRetriever> {
  const [server, embedder] = await Promise.allSettled([
    config.chroma.url ? Promise.resolve(undefined) : startLocalChroma(config),
    createEmbedder(config),
  ]);
  if (server.status === 'rejected' || embedder.status === 'rejected') {
    if (server.status === 'fulfilled') await server.value?.stop();
    if (embedder.status === 'fulfilled') await embedder.value.dispose();
    throw server.status === 'rejected' ? server.reason : (embedder as PromiseRejectedResult).reason;
  }
  const local: LocalChroma | undefined = server.value;
  let client: ChromaClient;
  try {
    client = await connect(config.chroma.url ?? local!.url);
  } catch (e) {
    await local?.stop();
    await embedder.value.dispose();
    throw e;
  }
  return makeRetriever(config, client, embedder.value, local);
}

function makeRetriever(config: Config, client: ChromaClient, embedder: Embedder, local?: LocalChroma): TimedRetriever {
  const writable = new Map<string, Promise<Collection>>();
  const forWrite = (name: string) => {
    let c = writable.get(name);
    if (!c) {
      c = openCollection(client, name);
      c.catch(() => writable.delete(name));
      writable.set(name, c);
    }
    return c;
  };
  // Searching must not create collections: a typo in a name should say so.
  const forRead = async (name: string) => {
    if (writable.has(name)) return writable.get(name)!;
    try {
      const c = await client.getCollection({ name });
      writable.set(name, Promise.resolve(c));
      return c;
    } catch (e) {
      if (e instanceof ChromaNotFoundError || /does not exist|not found/i.test((e as Error).message)) {
        throw new CollectionMissingError(`collection "${name}" does not exist; ingest documents into it first (understudy ingest <paths> --collection ${name})`);
      }
      throw e;
    }
  };

  const retriever: TimedRetriever = {
    async searchTimed(query, k = config.agent.searchK, collection = config.chroma.collection) {
      const coll = await forRead(collection);
      if (!query.trim()) return { passages: [], embedMs: 0, chromaMs: 0 };
      const t0 = performance.now();
      const [vector] = await embedder.embed([query]);
      const t1 = performance.now();
      const res = await coll.query<ChunkMeta>({ queryEmbeddings: [vector!], nResults: k, include: ['documents', 'metadatas', 'distances'] });
      const t2 = performance.now();
      const passages = (res.ids[0] ?? []).map((id, i): Passage => {
        const m = res.metadatas[0]?.[i];
        const p: Passage = {
          title: m?.title ?? '',
          source: m?.source ?? '',
          chunkId: id,
          text: res.documents[0]?.[i] ?? '',
          score: 1 - (res.distances[0]?.[i] ?? 1),
        };
        if (m?.headingPath) p.headingPath = m.headingPath;
        return p;
      });
      return { passages, embedMs: t1 - t0, chromaMs: t2 - t1 };
    },
    async search(query, k, collection) {
      return (await retriever.searchTimed(query, k, collection)).passages;
    },
    async chunks(collection, { limit, offset = 0 }) {
      const res = await (await forRead(collection)).get<ChunkMeta>({ include: ['documents', 'metadatas'], limit, offset });
      return res.ids.map((id, i): Chunk => {
        const m = res.metadatas[i];
        const c: Chunk = { chunkId: id, source: m?.source ?? '', title: m?.title ?? '', text: res.documents[i] ?? '' };
        if (m?.headingPath) c.headingPath = m.headingPath;
        return c;
      });
    },
    async count(collection = config.chroma.collection) {
      try {
        return await (await forRead(collection)).count();
      } catch (e) {
        if (e instanceof CollectionMissingError) return 0;
        throw e;
      }
    },
    async ingest(paths, opts = {}) {
      const coll = await forWrite(opts.collection ?? config.chroma.collection);
      return ingestPaths(coll, embedder, paths, config.chroma.maxFileMb * 2 ** 20, opts.onProgress);
    },
    async close() {
      await embedder.dispose();
      await local?.stop();
    },
  };
  return retriever;
}
