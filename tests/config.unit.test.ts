import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, envNameFor, loadConfig, repoRoot } from '../config/index.ts';

test('defaults validate with no file and no env', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.agent.maxSteps, 5);
  assert.equal(c.agent.sagN, 8);
  assert.equal(c.sandbox.memoryMb, 64);
  assert.equal(c.chroma.url, undefined);
});

test('env vars override the file, with types restored', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const file = path.join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ agent: { maxSteps: 7, sagN: 4 } }));
  const c = loadConfig({ file, env: { UNDERSTUDY_AGENT_SAG_N: '2', CHROMA_URL: 'http://127.0.0.1:9000' } });
  assert.equal(c.agent.maxSteps, 7);
  assert.equal(c.agent.sagN, 2);
  assert.equal(c.chroma.url, 'http://127.0.0.1:9000');
});

test('bad values name the key, the source and the rule', () => {
  assert.throws(
    () => loadConfig({ env: { UNDERSTUDY_AGENT_MAX_STEPS: '0' } }),
    (e: unknown) => e instanceof ConfigError && /agent\.maxSteps \(from \$UNDERSTUDY_AGENT_MAX_STEPS\)/.test(e.message),
  );
  assert.throws(() => loadConfig({ env: { UNDERSTUDY_TEACHER_PROVIDER: 'gpt' } }), /teacher\.provider/);
  assert.throws(() => loadConfig({ env: { CHROMA_URL: 'not a url' } }), /chroma\.url \(from \$CHROMA_URL\)/);
});

test('unknown keys in the file are rejected, not ignored', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const file = path.join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ agent: { maxStep: 3 } }));
  assert.throws(() => loadConfig({ file, env: {} }), /Unrecognized key/);
  writeFileSync(file, JSON.stringify({ slack: { apiUrl: 'http://127.0.0.1:1/api/' } }));
  assert.throws(() => loadConfig({ file, env: {} }), /slack .*Unrecognized key.*'apiUrl'/, 'the Web API base is a test override, not a setting');
});

test('unreadable or malformed config files give a clear error', () => {
  assert.throws(() => loadConfig({ file: '/nonexistent/understudy.json', env: {} }), /cannot read config file/);
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const file = path.join(dir, 'bad.json');
  writeFileSync(file, '{ not json');
  assert.throws(() => loadConfig({ file, env: {} }), /cannot read config file/);
});

test('env names follow the config path', () => {
  assert.equal(envNameFor('agent.maxSteps'), 'UNDERSTUDY_AGENT_MAX_STEPS');
  assert.equal(envNameFor('models.studentAdapter'), 'UNDERSTUDY_MODELS_STUDENT_ADAPTER');
});

test('keys that moved to engine.* or went are rejected with their new place, from a file, the env or the command line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const file = path.join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ agent: { maxSteps: 3, kvUnified: false, batchedDecode: true, maxStep: 2 }, distill: { threads: 1 } }));
  assert.throws(
    () => loadConfig({ file, env: {} }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.includes(`agent.kvUnified (from ${file}): agent.kvUnified moved to engine.kvUnified`) &&
      e.message.includes('agent.batchedDecode was removed') &&
      e.message.includes('distill.threads moved to engine.jobThreads') &&
      /agent \(from .*\): Unrecognized key\(s\) in object: 'maxStep'$/m.test(e.message),
  );
  assert.throws(() => loadConfig({ env: { UNDERSTUDY_AGENT_THREADS: '1' } }), /agent\.threads \(from \$UNDERSTUDY_AGENT_THREADS\): agent\.threads moved to engine\.threads/);
  assert.throws(() => loadConfig({ env: {}, overrides: { 'agent.nativeDecode': false } }), /agent\.nativeDecode \(from command line\): agent\.nativeDecode moved to engine\.nativeDecode/);
  const c = loadConfig({ env: { UNDERSTUDY_ENGINE_THREADS: '2' }, overrides: { 'engine.backendTopK': 0 } });
  assert.deepEqual(c.engine, { threads: 2, jobThreads: 0, kvUnified: true, backendTopK: 0, nativeDecode: true });
});

test('understudy config lists the operator settings first and the engine knobs apart, last', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'config'], { cwd: repoRoot, encoding: 'utf8', env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('UNDERSTUDY_'))) });
  const lines = out.trim().split('\n');
  const heading = lines.indexOf('# engine tuning: knobs for whoever measures a host (docs/engine.md)');
  assert.ok(heading > 0, out);
  assert.ok(lines.slice(heading + 1).every((l) => l.startsWith('engine.')), 'only engine.* below the heading');
  assert.ok(lines.slice(0, heading).every((l) => !l.startsWith('engine.') && !/apiUrl/.test(l)), 'no engine knob or test-only URL among the settings');
});
