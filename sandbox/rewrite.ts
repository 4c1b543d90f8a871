// Turns a code action into code that keeps its top-level bindings across actions.
//
// Each action runs as a global script, so `var` and function declarations become globals, but a
// top-level `const`/`let`/`class` would be script-scoped and re-declaring it in a later action
// (which models do all the time) would throw. So those become `var` (a class becomes
// `var C = class C`), like rebinding a Python variable. Line numbers never change.
//
// Code with top-level `await` runs inside an async function within `with (scope)`, where `scope`
// is a proxy onto the global object: the `var`s' assignments land on the global object, and the
// last expression statement is returned so the action still has a value.

import { tokenize, type Token } from './tokens.ts';

const STATEMENT_KEYWORDS = new Set(['var', 'let', 'const', 'function', 'async', 'class', 'if', 'for', 'while',
  'do', 'try', 'switch', 'return', 'throw', 'break', 'continue', 'import', 'export', 'with', 'debugger']);
/** The first character of a token that continues the previous line's expression. */
const CONTINUES = /^[([.,?:+\-*/%&|^<>=`]|^(in|instanceof|of)$/;

export const SCOPE = '__understudy_scope';

export interface Rewritten {
  code: string;
  /** For code with `await`: async wrappers to try in order (returning the last expression, then not). */
  asyncCode: string[];
}

function endsStatement(t: Token): boolean {
  return t.type !== 'punct' || [')', ']', '}', '++', '--'].includes(t.value);
}

/** Whether token i (at depth 0) starts a statement. */
function startsStatement(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  const prev = tokens[i - 1];
  if (!prev) return true;
  if (prev.depth !== 0) return false;
  if (prev.value === ';') return true;
  if (CONTINUES.test(t.value) && t.type !== 'regex' && t.type !== 'str') return false;
  if (prev.value === '}') return true;
  return t.nl && endsStatement(prev);
}

export function rewrite(src: string): Rewritten {
  const tokens = tokenize(src);
  const edits: { at: number; end: number; text: string }[] = [];
  const functions: string[] = [];
  let lastStart = -1;
  tokens.forEach((t, i) => {
    if (t.depth !== 0) return;
    const next = tokens[i + 1];
    const stmt = startsStatement(tokens, i);
    if (stmt && t.value !== ';') lastStart = i;
    if (t.type !== 'name' || !next) return;
    if (t.value === 'const') edits.push({ at: t.start, end: t.end, text: 'var  ' });
    else if (t.value === 'let' && (next.type === 'name' || next.value === '[' || next.value === '{') && stmt) {
      edits.push({ at: t.start, end: t.end, text: 'var' });
    } else if (t.value === 'class' && stmt && next.type === 'name' && next.value !== 'extends') {
      edits.push({ at: t.start, end: t.start, text: `var ${next.value} = ` });
    } else if (t.value === 'function' && stmt) {
      const name = next.value === '*' ? tokens[i + 2] : next;
      if (name?.type === 'name') functions.push(name.value);
    } else if (t.value === 'async' && next.value === 'function' && stmt) {
      const name = tokens[i + 2]?.value === '*' ? tokens[i + 3] : tokens[i + 2];
      if (name?.type === 'name') functions.push(name.value);
    }
  });
  const hasAwait = tokens.some((t) => t.type === 'name' && t.value === 'await');
  const apply = (list: typeof edits) =>
    [...list].sort((a, b) => b.at - a.at).reduce((s, e) => s.slice(0, e.at) + e.text + s.slice(e.end), src);
  const code = apply(edits);
  if (!hasAwait) return { code, asyncCode: [] };

  const last = tokens[lastStart];
  const isExpression = last && !STATEMENT_KEYWORDS.has(last.value) && last.value !== '{' &&
    !(last.type === 'name' && tokens[lastStart + 1]?.value === ':');
  const withReturn = [...edits];
  if (isExpression) {
    let end = tokens.length - 1;
    if (tokens[end]!.value === ';' && end > lastStart) end--;
    withReturn.push({ at: last.start, end: last.start, text: 'return (' }, { at: tokens[end]!.end, end: tokens[end]!.end, text: '\n)' });
  }
  // Block-level functions would stay local to the wrapper: publish them (they are hoisted).
  const publish = functions.map((f) => `${SCOPE}.${f} = ${f};`).join('');
  const wrap = (body: string) =>
    `(function (${SCOPE}) { return (async function () { with (${SCOPE}) { ${publish}${body}\n} })(); })`;
  return { code, asyncCode: isExpression ? [wrap(apply(withReturn)), wrap(code)] : [wrap(code)] };
}
