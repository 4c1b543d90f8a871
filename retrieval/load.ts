import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SourceDoc, Skip } from './document.ts';
import { htmlToText } from './html.ts';
import { parseJsonl } from './jsonl.ts';
import { firstH1 } from './markdown.ts';
import { pdfToText } from './pdf.ts';

type Kind = 'markdown' | 'text' | 'html' | 'pdf' | 'jsonl';

const KINDS: Record<string, Kind> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.jsonl': 'jsonl',
};

export interface LoadResult {
  docs: SourceDoc[];
  skipped: Skip[];
}

const skip = (source: string, reason: string): LoadResult => ({ docs: [], skipped: [{ path: source, reason }] });

function decodeText(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** Reads one file into documents; anything wrong with it becomes a skip reason instead of an error. */
export async function loadFile(file: string, source: string, maxBytes: number): Promise<LoadResult> {
  const kind = KINDS[path.extname(file).toLowerCase()];
  if (!kind) return skip(source, `unsupported file type (${path.extname(file) || 'no extension'})`);
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (!st.isFile()) return skip(source, 'not a regular file');
    if (st.size > maxBytes) return skip(source, `too large (${(st.size / 2 ** 20).toFixed(1)} MB > ${(maxBytes / 2 ** 20).toFixed(0)} MB limit)`);
    if (st.size === 0) return skip(source, 'empty file');
    bytes = await readFile(file);
  } catch (e) {
    return skip(source, `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }

  const name = path.basename(file, path.extname(file));
  let text: string;
  let title: string | undefined;
  if (kind === 'pdf') {
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return skip(source, 'not a PDF (bad header)');
    try {
      ({ text, title } = await pdfToText(new Uint8Array(bytes)));
    } catch (e) {
      return skip(source, `unreadable PDF (${(e as Error).message})`);
    }
  } else {
    const decoded = decodeText(bytes);
    if (decoded === undefined) return skip(source, 'binary content (not UTF-8 text)');
    if (kind === 'jsonl') return parseJsonl(decoded, file, source);
    ({ text, title } = kind === 'html' ? htmlToText(decoded) : { text: decoded, title: undefined });
  }
  if (!text.trim()) return skip(source, kind === 'pdf' ? 'no extractable text (scanned PDF?)' : 'no text');
  const markdown = kind === 'markdown' || kind === 'html';
  title = (markdown ? firstH1(text) : undefined) ?? title ?? name;
  return { docs: [{ key: file, file, source, title, text, markdown }], skipped: [] };
}
