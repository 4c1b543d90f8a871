// node-llama-cpp's private members are the engine's business alone (engine/internals.ts types
// them and checks them at load): no file outside engine/ may name one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../config/index.ts';
import { INTERNALS } from '../../engine/internals.ts';

const dist = path.join(repoRoot, 'node_modules/node-llama-cpp/dist');

/** Every `_name` node-llama-cpp's own code uses as a member (`x._name`) or declares in its typings. */
function privateMembers(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(dist, { recursive: true }).map(String)) {
    if (file.endsWith('.js')) {
      for (const m of readFileSync(path.join(dist, file), 'utf8').matchAll(/\.(_[A-Za-z]\w*)/g)) names.add(m[1]!);
    } else if (file.endsWith('.d.ts')) {
      const members = /^\s*(?:(?:private|protected|public|readonly|static|get|set)\s+)*(_[A-Za-z]\w*)\??\s*[(:<]/gm;
      for (const m of readFileSync(path.join(dist, file), 'utf8').matchAll(members)) names.add(m[1]!);
    }
  }
  return names;
}

/** The project's own script files outside engine/, tracked or new (not ignored). */
function projectFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts', '*.mjs', '*.js'], { cwd: repoRoot, encoding: 'utf8' });
  return out.split('\n').filter((f) => f && !f.startsWith('engine/') && !f.split('/').includes('node_modules'));
}

const names = privateMembers();

test("node-llama-cpp's typings and code name its private members (the list this test checks against)", () => {
  assert.ok(names.size > 100, `only ${names.size} private members found under ${dist}`);
  for (const { path: [member] } of INTERNALS) assert.ok(names.has(member!), `${member} (engine/internals.ts) is not among them`);
});

test('no file outside engine/ names a node-llama-cpp private member', () => {
  // A member access, a computed one, or a quoted name (the key of a cast or a defineProperty).
  const use = /(?:\.|\[\s*|['"`])(_[A-Za-z]\w*)\b/g;
  const found: string[] = [];
  for (const file of projectFiles()) {
    const lines = readFileSync(path.join(repoRoot, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(use)) if (names.has(m[1]!)) found.push(`${file}:${i + 1}: ${m[1]}`);
    });
  }
  assert.deepEqual(found, [], 'use engine/internals.ts instead');
});
