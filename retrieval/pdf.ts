/** The text of a PDF, page by page, and its Title metadata if it has one. */
export async function pdfToText(data: Uint8Array): Promise<{ text: string; title?: string }> {
  // Loaded on the first PDF: pdf.js (and the canvas it pulls in) costs every other command's start-up otherwise.
  const { getDocument, VerbosityLevel } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data, verbosity: VerbosityLevel.ERRORS, isEvalSupported: false }).promise;
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      let page = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        page += item.str + (item.hasEOL ? '\n' : '');
      }
      pages.push(page.trim());
    }
    const info = (await doc.getMetadata()).info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : undefined;
    return { text: pages.filter(Boolean).join('\n\n'), title };
  } finally {
    await doc.destroy();
  }
}
