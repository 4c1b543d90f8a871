import type { ChromaClient, Collection } from 'chromadb';

/** What each chunk records about its source document, so ingest can diff without re-reading. */
export type ChunkMeta = {
  doc: string;
  file: string;
  source: string;
  title: string;
  hash: string;
  chunk: number;
  headingPath?: string;
};

export interface StoredDoc {
  file: string;
  hash: string;
  ids: string[];
}

/** Collections hold our own embeddings (no Chroma embedding function) compared by cosine. */
export function openCollection(client: ChromaClient, name: string): Promise<Collection> {
  return client.getOrCreateCollection({ name, embeddingFunction: null, configuration: { hnsw: { space: 'cosine' } } });
}

/** Every stored document with its hash and chunk ids, read in pages of metadata only. */
export async function storedDocs(collection: Collection): Promise<Map<string, StoredDoc>> {
  const docs = new Map<string, StoredDoc>();
  const page = 5000;
  for (let offset = 0; ; offset += page) {
    const res = await collection.get<ChunkMeta>({ include: ['metadatas'], limit: page, offset });
    res.ids.forEach((id, i) => {
      const m = res.metadatas[i];
      if (!m) return;
      const d = docs.get(m.doc) ?? { file: m.file, hash: m.hash, ids: [] };
      d.ids.push(id);
      docs.set(m.doc, d);
    });
    if (res.ids.length < page) return docs;
  }
}
