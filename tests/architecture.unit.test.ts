// The folders' two import rules, checked on every tracked .ts file:
// - a folder with a face is entered through its index.ts only (type imports too);
// - no folder imports one in a higher layer (data flows bots → agent → tools → store).
// tests/ is exempt, both ways; folders in no layer (deploy/, evals/) are not checked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../config/index.ts';

/** Lowest first: a folder may import the folders of lower layers only. */
const LAYERS = [['config', 'answers'], ['store', 'sandbox'], ['models'], ['engine'], ['retrieval'], ['agent'], ['queue'], ['bots', 'admin', 'training'], ['cli', 'bench']];
const FACED = ['config', 'answers', 'store', 'sandbox', 'models', 'engine', 'retrieval', 'agent', 'queue', 'training'];

const IMPORT = /\b(?:import|export)\b[^'"]*?\bfrom\s*['"](\.[^'"]+)['"]|\bimport\s*\(?\s*['"](\.[^'"]+)['"]/g;
const layer = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));

/** Each import that breaks a rule, as `file -> target: why`. */
export function violations(sources: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [file, source] of sources) {
    const from = file.split('/')[0]!;
    if (from === 'tests') continue;
    for (const m of source.matchAll(IMPORT)) {
      const target = path.posix.join(path.posix.dirname(file), m[1] ?? m[2]!);
      const to = target.split('/')[0]!;
      if (to === from || to === 'tests') continue;
      if (FACED.includes(to) && target !== `${to}/index.ts`) found.push(`${file} -> ${target}: enter ${to}/ through ${to}/index.ts`);
      if (layer(from) >= 0 && layer(to) >= layer(from)) found.push(`${file} -> ${target}: ${from}/ may not import ${to}/ (same or higher layer)`);
    }
  }
  return found;
}

test('folders import each other through their index, and only downward', () => {
  const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
  const sources = new Map(files.map((f) => [f, readFileSync(path.join(repoRoot, f), 'utf8')]));
  assert.deepEqual(violations(sources), []);
});

test('the check catches a side door and an upward import', () => {
  const tree = new Map([
    ['training/a.ts', "import { x } from '../agent/loop.ts';\nimport type { Y } from '../agent/index.ts';"],
    ['store/b.ts', "import type { Agent } from '../agent/index.ts';"],
    ['cli/c.ts', "const m = await import('../training/index.ts');"],
  ]);
  assert.deepEqual(violations(tree), [
    'training/a.ts -> agent/loop.ts: enter agent/ through agent/index.ts',
    'store/b.ts -> agent/index.ts: store/ may not import agent/ (same or higher layer)',
  ]);
});
