/** One source document as ingest sees it: a file, or one line of a JSONL file. */
export interface SourceDoc {
  /** Stable identity across runs: the absolute file path, plus `#id` for a JSONL line. */
  key: string;
  /** Absolute path of the file it came from. */
  file: string;
  /** What the agent cites: the path relative to the ingested folder's parent (`handbook/severance.md`). */
  source: string;
  title: string;
  text: string;
  /** Markdown keeps a heading path when chunked; plain text does not. */
  markdown: boolean;
}

export interface Skip {
  path: string;
  reason: string;
}
