// engine/patch-node-llama-cpp.mjs edits node-llama-cpp's source, and the llama.cpp source it bundles,
// before a build; this checks the edits still apply to the pinned version, are idempotent, and leave
// JavaScript that parses. The CPU addon setup builds from them is tested in
// tests/engine/native-rounds.test.ts; the CUDA build, the only one that compiles the llama.cpp edit,
// is measured by bench:gpu.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../config/index.ts';
import { tempDir } from '../agent/helpers.ts';

const FILES = ['llama/addon/AddonContext.h', 'llama/addon/AddonContext.cpp', 'dist/evaluator/LlamaContext/LlamaContext.js'];
const LLAMA_CONTEXT = 'llama/llama.cpp/src/llama-context.cpp';
const patch = (dir: string) => spawnSync(process.execPath, [path.join(repoRoot, 'engine/patch-node-llama-cpp.mjs'), dir], { encoding: 'utf8' });

/** llama.cpp's source file as node-llama-cpp bundles it (what `source download` checks out). */
function bundledLlamaSource(file: string): string {
  const clone = tempDir('llama-bundle');
  const bundle = path.join(repoRoot, 'node_modules/node-llama-cpp/llama/gitRelease.bundle');
  assert.equal(spawnSync('git', ['clone', '-q', '--no-checkout', bundle, clone]).status, 0, 'the bundled llama.cpp release clones');
  return execFileSync('git', ['-C', clone, 'show', `HEAD:${file}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

test('the node-llama-cpp patch applies to the installed version, once, forwards both options to the addon and adds generateRounds', () => {
  const dir = tempDir('nlc-patch');
  for (const f of FILES) cpSync(path.join(repoRoot, 'node_modules/node-llama-cpp', f), path.join(dir, f));
  const first = patch(dir);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout.match(/^patched: /gm)?.length, 3, `no llama.cpp source, no edit of it: ${first.stdout}`);
  const second = patch(dir);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout.match(/^already patched: /gm)?.length, 3, second.stdout);

  const cpp = readFileSync(path.join(dir, FILES[1]!), 'utf8');
  assert.match(cpp, /context_params\.kv_unified = options\.Get\("kvUnified"\)/);
  assert.match(cpp, /context_params\.samplers = backendSamplers\.data\(\)/);
  assert.match(cpp, /llama_free\(currentCtx\);\n.*\n\s+for \(auto & s : backendSamplers\) llama_sampler_free/);
  assert.match(cpp, /InstanceMethod\("generateRounds", &AddonContext::GenerateRounds\)/);
  assert.match(readFileSync(path.join(dir, FILES[0]!), 'utf8'), /Napi::Value GenerateRounds\(const Napi::CallbackInfo& info\);/);
  assert.match(readFileSync(path.join(dir, 'llama/addon/AddonGenerateRounds.cpp'), 'utf8'), /Napi::Value AddonContext::GenerateRounds\(/);
  const js = path.join(dir, FILES[2]!);
  assert.equal(spawnSync(process.execPath, ['--check', js]).status, 0, 'the patched LlamaContext.js parses');
  assert.match(readFileSync(js, 'utf8'), /kvUnified,\n\s+backendTopK\n\s+\}\)\);/);
});

test("where llama.cpp's source is present, the patch narrows a unified cache's batch checks to the context's sequences", () => {
  const dir = tempDir('nlc-patch-llama');
  for (const f of FILES) cpSync(path.join(repoRoot, 'node_modules/node-llama-cpp', f), path.join(dir, f));
  mkdirSync(path.dirname(path.join(dir, LLAMA_CONTEXT)), { recursive: true });
  writeFileSync(path.join(dir, LLAMA_CONTEXT), bundledLlamaSource('src/llama-context.cpp'));
  const r = patch(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^patched: llama\/llama\.cpp\/src\/llama-context\.cpp$/m);
  const cpp = readFileSync(path.join(dir, LLAMA_CONTEXT), 'utf8');
  assert.match(cpp, /const uint32_t n_seq_max = cparams\.n_seq_max; \/\/ understudy/);
  assert.doesNotMatch(cpp, /n_seq_max = cparams\.kv_unified \? LLAMA_MAX_SEQ/, 'decode no longer checks all 256 ids');
  assert.match(patch(dir).stdout, /^already patched: llama\/llama\.cpp\/src\/llama-context\.cpp$/m);
});

test('the node-llama-cpp patch refuses a source it does not recognise', () => {
  const dir = tempDir('nlc-patch-moved');
  for (const f of FILES) cpSync(path.join(repoRoot, 'node_modules/node-llama-cpp', f), path.join(dir, f));
  cpSync(path.join(repoRoot, 'package.json'), path.join(dir, FILES[1]!)); // not the addon source
  const r = patch(dir);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /AddonContext\.cpp: expected exactly one .*update this patch/);
  assert.doesNotMatch(readFileSync(path.join(dir, FILES[0]!), 'utf8'), /understudy:/, 'no file is half patched');
});
