import type { Passage, Retriever } from '../retrieval/index.ts';
import { formatPassages } from '../retrieval/index.ts';
import type { HostTool, ToolCall } from '../sandbox/index.ts';
import type { SourceRef } from '../store/types.ts';

/** The `search` tool of one question, remembering which passages each call returned. */
export interface SearchTool {
  tool: HostTool;
  /** The passages behind the search calls of one action (the chosen candidate's). */
  sourcesOf(calls: ToolCall[]): SourceRef[];
}

function callKey(query: string, k: number): string {
  return `${k}\u0000${query}`;
}

export function createSearchTool(
  retriever: Retriever | null,
  opts: { collection?: string; k: number; onSearch?: (query: string) => void },
): SearchTool {
  const seen = new Map<string, Passage[]>();
  const tool: HostTool = async (query: unknown, k: unknown) => {
    if (typeof query !== 'string' || !query.trim()) throw new Error('search(query) needs a non-empty string query');
    const kk = typeof k === 'number' && k >= 1 ? Math.min(Math.floor(k), 10) : opts.k;
    opts.onSearch?.(query);
    if (!retriever) return 'Search is not available here: answer from the question itself.';
    const passages = await retriever.search(query, kk, opts.collection);
    seen.set(callKey(query, kk), passages);
    return formatPassages(passages);
  };
  return {
    tool,
    sourcesOf(calls) {
      const out: SourceRef[] = [];
      for (const c of calls) {
        if (c.name !== 'search') continue;
        const kk = typeof c.args[1] === 'number' && c.args[1] >= 1 ? Math.min(Math.floor(c.args[1]), 10) : opts.k;
        for (const p of seen.get(callKey(String(c.args[0]), kk)) ?? []) {
          out.push({ title: p.headingPath ?? p.title, source: p.source, chunkId: p.chunkId, score: p.score });
        }
      }
      return out;
    },
  };
}

/** Sources of a whole run, best score first, one per chunk. */
export function mergeSources(lists: SourceRef[][], max = 5): SourceRef[] {
  const best = new Map<string, SourceRef>();
  for (const s of lists.flat()) {
    const key = `${s.source}#${s.chunkId ?? ''}`;
    if (!best.has(key) || best.get(key)!.score < s.score) best.set(key, s);
  }
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, max);
}
