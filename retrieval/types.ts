export interface Passage {
  title: string;
  /** The file (or `file.jsonl#id`) the passage came from, for citations. */
  source: string;
  chunkId: string;
  text: string;
  /** Cosine similarity, 1 is identical. */
  score: number;
  /** `Handbook > Leave > Vacation` for Markdown and HTML. */
  headingPath?: string;
}

/** A stored chunk as ingest wrote it (what `Retriever.chunks` lists). */
export type Chunk = Omit<Passage, 'score'>;

export interface IngestSummary {
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  skipped: { path: string; reason: string }[];
  /** Chunks embedded and written by this run. */
  chunks: number;
  seconds: number;
}

export interface IngestOptions {
  collection?: string;
  /** Called as chunks are embedded: (done, total). */
  onProgress?: (done: number, total: number) => void;
}
