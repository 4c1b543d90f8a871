import type { SourceDoc, Skip } from './document.ts';

/** One passage per line: `{id, title, text[, source]}`; bad lines are reported, the rest kept. */
export function parseJsonl(content: string, file: string, source: string): { docs: SourceDoc[]; skipped: Skip[] } {
  const docs: SourceDoc[] = [];
  const skipped: Skip[] = [];
  const seen = new Set<string>();
  content.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${source}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      skipped.push({ path: where, reason: `malformed JSON (${(e as Error).message})` });
      return;
    }
    const { id, title, text } = (row ?? {}) as Record<string, unknown>;
    if ((typeof id !== 'string' && typeof id !== 'number') || typeof text !== 'string' || !text.trim()) {
      skipped.push({ path: where, reason: 'needs an "id" and a non-empty "text"' });
      return;
    }
    if (seen.has(String(id))) {
      skipped.push({ path: where, reason: `duplicate id ${id}` });
      return;
    }
    seen.add(String(id));
    docs.push({
      key: `${file}#${id}`,
      file,
      source: `${source}#${id}`,
      title: typeof title === 'string' && title.trim() ? title.trim() : String(id),
      text,
      markdown: false,
    });
  });
  return { docs, skipped };
}
