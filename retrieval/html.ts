import { convert, type FormatCallback } from 'html-to-text';

/** Headings become Markdown `#` lines so the Markdown chunker keeps the heading path. */
const markdownHeading =
  (level: number): FormatCallback =>
  (elem, walk, builder) => {
    builder.openBlock({ leadingLineBreaks: 2 });
    builder.addLiteral('#'.repeat(level) + ' ');
    walk(elem.children, builder);
    builder.closeBlock({ trailingLineBreaks: 1 });
  };

const headings = [1, 2, 3, 4, 5, 6];

/** HTML to Markdown-flavoured plain text, plus the <title> if any. */
export function htmlToText(html: string): { text: string; title?: string } {
  const text = convert(html, {
    wordwrap: false,
    formatters: Object.fromEntries(headings.map((l) => [`h${l}`, markdownHeading(l)])),
    selectors: [
      ...headings.map((l) => ({ selector: `h${l}`, format: `h${l}` })),
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'title', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
    ],
  });
  const rawTitle = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const title = rawTitle && convert(rawTitle, { wordwrap: false }).replace(/\s+/g, ' ').trim();
  return { text, title: title || undefined };
}
