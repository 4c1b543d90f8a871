import { escapeHtml, Html } from './html.ts';

// One alternation per token kind; the first group that matches names the span's class.
const TOKENS = new RegExp(
  [
    String.raw`(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))`, // comment
    String.raw`("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|\x60(?:[^\x60\\]|\\[\s\S])*\x60?)`, // string
    String.raw`(\b(?:\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?|0x[\da-f]+)n?\b)`, // number
    String.raw`(\b(?:const|let|var|function|return|if|else|for|while|do|of|in|new|await|async|try|catch|finally|throw|typeof|instanceof|class|break|continue|switch|case|default|null|undefined|true|false|this)\b)`, // keyword
    String.raw`(\b[A-Za-z_$][\w$]*(?=\s*\())`, // call
  ].join('|'),
  'gi',
);
const CLASSES = ['c', 's', 'n', 'k', 'f'];

/** A small JavaScript highlighter: the code is split into tokens and each piece is escaped. */
export function highlightJs(code: string): Html {
  let out = '';
  let last = 0;
  for (const m of code.matchAll(TOKENS)) {
    const group = m.slice(1).findIndex((g) => g !== undefined);
    out += escapeHtml(code.slice(last, m.index)) + `<span class="tok-${CLASSES[group]}">${escapeHtml(m[0])}</span>`;
    last = m.index + m[0].length;
  }
  return new Html(out + escapeHtml(code.slice(last)));
}
