import type { Passage, Retriever } from '../retrieval/index.ts';
import { formatPassages } from '../retrieval/index.ts';
import type { HostTool, ToolCall } from '../sandbox/index.ts';
import type { SourceRef } from '../store/index.ts';

/** The `search` tool of one question, remembering which passages each call returned. */
export interface SearchTool {
  tool: HostTool;
  /** The passages behind the search calls of one action (the chosen candidate's). */
  passagesOf(calls: ToolCall[]): Passage[];
}

function callKey(query: string, k: number): string {
  return `${k}\u0000${query}`;
}

function kOf(k: unknown, fallback: number): number {
  return typeof k === 'number' && k >= 1 ? Math.min(Math.floor(k), 10) : fallback;
}

export function createSearchTool(
  retriever: Retriever | null,
  opts: { collection?: string; k: number; onSearch?: (query: string) => void },
): SearchTool {
  const seen = new Map<string, Passage[]>();
  const tool: HostTool = async (query: unknown, k: unknown) => {
    if (typeof query !== 'string' || !query.trim()) throw new Error('search(query) needs a non-empty string query');
    const kk = kOf(k, opts.k);
    opts.onSearch?.(query);
    if (!retriever) return 'Search is not available here: answer from the question itself.';
    const passages = await retriever.search(query, kk, opts.collection);
    seen.set(callKey(query, kk), passages);
    return formatPassages(passages);
  };
  return {
    tool,
    passagesOf(calls) {
      return calls.filter((c) => c.name === 'search').flatMap((c) => seen.get(callKey(String(c.args[0]), kOf(c.args[1], opts.k))) ?? []);
    },
  };
}

/** A passage as a step or an answer cites it. */
export function sourceRef(p: Passage): SourceRef {
  return { title: p.headingPath ?? p.title, source: p.source, chunkId: p.chunkId, score: p.score };
}
