// deploy/patch-node-llama-cpp.mjs edits node-llama-cpp's source before a build; this checks the
// edits still apply to the pinned version, are idempotent, and leave JavaScript that parses. The
// CPU addon setup builds from them is tested in tests/agent/native-rounds.test.ts; the CUDA build
// is measured by bench:gpu.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../config/index.ts';
import { tempDir } from '../agent/helpers.ts';

const FILES = ['llama/addon/AddonContext.h', 'llama/addon/AddonContext.cpp', 'dist/evaluator/LlamaContext/LlamaContext.js'];
const patch = (dir: string) => spawnSync(process.execPath, [path.join(repoRoot, 'deploy/patch-node-llama-cpp.mjs'), dir], { encoding: 'utf8' });

test('the node-llama-cpp patch applies to the installed version, once, forwards both options to the addon and adds generateRounds', () => {
  const dir = tempDir('nlc-patch');
  for (const f of FILES) cpSync(path.join(repoRoot, 'node_modules/node-llama-cpp', f), path.join(dir, f));
  const first = patch(dir);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout.match(/^patched: /gm)?.length, 3, first.stdout);
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

test('the node-llama-cpp patch refuses a source it does not recognise', () => {
  const dir = tempDir('nlc-patch-moved');
  for (const f of FILES) cpSync(path.join(repoRoot, 'node_modules/node-llama-cpp', f), path.join(dir, f));
  cpSync(path.join(repoRoot, 'package.json'), path.join(dir, FILES[1]!)); // not the addon source
  const r = patch(dir);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /AddonContext\.cpp: expected exactly one .*update this patch/);
  assert.doesNotMatch(readFileSync(path.join(dir, FILES[0]!), 'utf8'), /understudy:/, 'no file is half patched');
});
