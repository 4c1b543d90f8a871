// A small JavaScript tokenizer: just enough to find top-level statements and declarations in a
// code action (strings, templates, comments and regex literals are skipped correctly; the exact
// operator is not needed). Anything it misreads only makes a rewrite fall back, never unsafe.

export interface Token {
  type: 'name' | 'num' | 'str' | 'template' | 'regex' | 'punct';
  value: string;
  start: number;
  end: number;
  /** A line break comes between this token and the previous one. */
  nl: boolean;
  /** Open brackets ((, [, {, ${) around the token; a closing bracket has the depth outside it. */
  depth: number;
}

const PUNCT = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=', '=>', '==', '!=',
  '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', '**'];
const BEFORE_REGEX = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw',
  'case', 'do', 'else', 'yield', 'await']);
const NAME_START = /[A-Za-z_$#\\\u0080-\uffff]/;
const NAME_PART = /[\w$\\\u0080-\uffff]/;

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.type === 'name') return BEFORE_REGEX.has(prev.value);
  if (prev.type === 'punct') return prev.value !== ')' && prev.value !== ']';
  return false;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const stack: string[] = []; // open brackets; '${' marks a template substitution
  let i = 0;
  let nl = false;
  const push = (type: Token['type'], start: number, depth = stack.length) => {
    out.push({ type, value: src.slice(start, i), start, end: i, nl, depth });
    nl = false;
  };
  // Scans template characters from i up to the closing backtick or a `${`.
  const templateChars = () => {
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') i += 2;
      else if (c === '`') { i++; return; }
      else if (c === '$' && src[i + 1] === '{') { i += 2; stack.push('${'); return; }
      else i++;
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    const start = i;
    if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') { nl = true; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      const stop = close < 0 ? src.length : close + 2;
      if (src.slice(i, stop).includes('\n')) nl = true;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < src.length && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
      push('str', start);
      continue;
    }
    if (c === '`') { i++; templateChars(); push('template', start); continue; }
    if (c === '}' && stack[stack.length - 1] === '${') {
      stack.pop();
      i++;
      templateChars();
      push('template', start);
      continue;
    }
    if (NAME_START.test(c)) {
      i++;
      while (i < src.length && NAME_PART.test(src[i]!)) i++;
      push('name', start);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      i++;
      while (i < src.length && /[\w.]/.test(src[i]!)) i++;
      push('num', start);
      continue;
    }
    if (c === '/' && regexAllowed(out[out.length - 1])) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n') {
        const d = src[j];
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      if (src[j] === '/') {
        i = j + 1;
        while (i < src.length && NAME_PART.test(src[i]!)) i++;
        push('regex', start);
        continue;
      }
    }
    if (c === '(' || c === '[' || c === '{') { i++; push('punct', start); stack.push(c); continue; }
    if (c === ')' || c === ']' || c === '}') { stack.pop(); i++; push('punct', start); continue; }
    const op = PUNCT.find((p) => src.startsWith(p, i));
    i += op ? op.length : 1;
    push('punct', start);
  }
  return out;
}
