const FENCE = /^\s*(```|~~~)/;
const CLOSE = '\n```';

/** Hard-wraps one line to `width`, preferring the last space. */
function wrap(line: string, width: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > width / 2 ? space : width;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, '');
  }
  parts.push(rest);
  return parts;
}

/**
 * Splits text into pieces of at most `limit` characters, on line boundaries where it can. A code
 * fence cut by a split is closed at the end of one piece and reopened (same language) in the next,
 * so every piece renders on its own.
 */
export function splitMessage(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = '';
  let fence: string | null = null;
  // Room for a closing fence plus a reopened one (fence info strings are short).
  const width = Math.max(1, limit - 40);
  for (const line of text.split('\n').flatMap((l) => wrap(l, width))) {
    const fenceAfter: string | null = FENCE.test(line) ? (fence ? null : line.trim().slice(0, 30)) : fence;
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (current !== '' && candidate.length + (fenceAfter ? CLOSE.length : 0) > limit) {
      pieces.push(fence ? current + CLOSE : current);
      current = fence ? `${fence}\n${line}` : line;
    } else {
      current = candidate;
    }
    fence = fenceAfter;
  }
  if (current.trim() !== '') pieces.push(current);
  return pieces.length > 0 ? pieces : [''];
}
