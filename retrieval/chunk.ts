import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { SourceDoc } from './document.ts';
import { markdownSections } from './markdown.ts';

export interface Chunk {
  text: string;
  headingPath?: string;
}

/** Bump when chunking changes, so the next ingest re-embeds every document. */
export const CHUNKER_VERSION = 1;

// ~250 tokens for MiniLM: inside its 256-token training length and the 512-token context.
const options = { chunkSize: 1000, chunkOverlap: 100 };
const markdownSplitter = RecursiveCharacterTextSplitter.fromLanguage('markdown', options);
const textSplitter = new RecursiveCharacterTextSplitter(options);

export async function chunkDocument(doc: SourceDoc): Promise<Chunk[]> {
  if (!doc.markdown) return (await textSplitter.splitText(doc.text)).map((text) => ({ text }));
  const chunks: Chunk[] = [];
  for (const section of markdownSections(doc.text)) {
    // The path always starts at the document: its H1 when it has one, else its title.
    const headings = section.headings[0] === doc.title ? section.headings : [doc.title, ...section.headings];
    const headingPath = headings.join(' > ');
    for (const text of await markdownSplitter.splitText(section.body)) chunks.push({ text, headingPath });
  }
  return chunks;
}
