// Hot reload of the student (cli/hot-student.ts): real agents on the tiny model with a real GGUF
// LoRA adapter (built once by the trainer and cached; see tests/training/helpers.ts tinyAdapter).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Agent } from '../../agent/index.ts';
import { createHotAgent } from '../../cli/hot-student.ts';
import { loadConfig, repoRoot, type Config } from '../../config/index.ts';
import { disposeModels } from '../../engine/index.ts';
import { SqliteLogStore } from '../../store/index.ts';
import type { LogStore, NewQuestion } from '../../store/types.ts';
import { promote, rollback, saveManifest, versionDir } from '../../models/index.ts';
import { tinyAdapter } from '../training/helpers.ts';
import { tempDir } from './helpers.ts';

let adapter: string | null = null;
let store: SqliteLogStore;
let agent: Agent | undefined;

/** A fresh data dir whose registry holds v1 and v2 (copies of the same real adapter: their paths differ). */
async function registry(config: Config): Promise<Record<'v1' | 'v2', string>> {
  const paths = {} as Record<'v1' | 'v2', string>;
  for (const v of ['v1', 'v2'] as const) {
    mkdirSync(versionDir(config, v), { recursive: true });
    paths[v] = path.join(versionDir(config, v), 'adapter.gguf');
    copyFileSync(adapter!, paths[v]);
    await saveManifest(config, { version: v, baseModel: 'tiny', adapterPath: paths[v], datasetHash: v, evalReport: null, status: 'candidate', createdAt: new Date().toISOString(), promotedAt: null });
  }
  return paths;
}

async function waitFor(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const settings = {
  models: { student: 'tiny', contextSize: 4096 },
  teacher: { provider: 'none' },
  chroma: { url: 'http://127.0.0.1:9' },
  agent: { maxSteps: 2, sagN: 1, maxTokensPerStep: 64, temperature: 0 },
  engine: { threads: 1 },
};

before(async () => {
  adapter = await tinyAdapter();
  store = new SqliteLogStore(path.join(tempDir('hot-store'), 'understudy.db'));
});

after(async () => {
  await agent?.close();
  await store?.close();
  await disposeModels();
});

test('a promoted version answers the next question while the one in flight finishes on the old student; rollback too', { timeout: 600_000 }, async (t) => {
  if (!adapter) return t.skip('the trainer venv is missing (deploy/setup.sh --train)');
  const config = loadConfig({ env: {}, overrides: { dataDir: tempDir('hot-data'), ...settings } });
  const v = await registry(config);

  // The first question is held before it starts (at its createQuestion) until the swap is done.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let holdNext = false;
  let held!: () => void;
  const q1Held = new Promise<void>((r) => (held = r));
  const gated = new Proxy(store, {
    get(target, key) {
      if (key === 'createQuestion') {
        return async (q: NewQuestion) => {
          if (holdNext) {
            holdNext = false;
            held();
            await gate;
          }
          return target.createQuestion(q);
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as LogStore;
  const logs: string[] = [];
  // No background poll here: the check before each question does the swap.
  agent = await createHotAgent(config, { store: gated, retriever: null, log: (l) => logs.push(l) }, { pollMs: 3_600_000 });
  const ask = (question: string) => agent!.ask({ question, surface: 'cli', allowTeacher: false });
  const adapterOf = async (logId: string) => (await store.getQuestion(logId))!.trajectories.find((tr) => tr.role === 'student')!.adapter;

  holdNext = true;
  const q1 = ask('What is 6 plus 2?');
  await q1Held;
  await promote(config, 'v1');
  const r2 = await ask('What is 3 plus 4?');
  assert.ok(logs.includes(`student: base → v1 (${v.v1}) (1 answer in progress stays on base)`), logs.join('\n'));
  assert.equal(r2.models.adapter, v.v1);
  assert.equal(await adapterOf(r2.logId), v.v1, 'the logged trajectory names the new adapter');
  assert.ok(!logs.includes('student: base closed'), 'the old student stays open while an answer runs on it');

  release();
  const r1 = await q1;
  assert.equal(r1.models.adapter, null);
  assert.equal(await adapterOf(r1.logId), null, 'the answer in flight ran on the old student');
  assert.doesNotMatch(r1.reason, /the student failed/);
  assert.ok((await store.getQuestion(r1.logId))!.trajectories[0]!.steps.length >= 1);
  await waitFor('the old student to close', () => logs.includes('student: base closed'));

  await promote(config, 'v2');
  assert.equal((await ask('What is 2 plus 2?')).models.adapter, v.v2);
  assert.ok(logs.includes(`student: v1 → v2 (${v.v2})`), logs.join('\n'));
  await rollback(config);
  const r4 = await ask('What is 5 plus 1?');
  assert.equal(r4.models.adapter, v.v1);
  assert.equal(await adapterOf(r4.logId), v.v1);
  assert.ok(logs.includes(`student: v2 → v1 (${v.v1})`), logs.join('\n'));
  await rollback(config);
  assert.equal((await ask('What is 1 plus 1?')).models.adapter, null);
  assert.ok(logs.includes('student: v1 → base'), logs.join('\n'));
  await agent.close();
  agent = undefined;
  await waitFor('every student to close', () => ['v1', 'v2', 'base'].every((s) => logs.filter((l) => l === `student: ${s} closed`).length >= 1));
});

test('`understudy chat` loads a version promoted while it runs and logs the swap on stderr', { timeout: 240_000 }, async (t) => {
  if (!adapter) return t.skip('the trainer venv is missing (deploy/setup.sh --train)');
  const dir = tempDir('hot-chat');
  const file = path.join(dir, 'understudy.config.json');
  writeFileSync(file, JSON.stringify({ dataDir: path.join(dir, 'data'), ...settings }));
  const config = loadConfig({ env: {}, file });
  const v = await registry(config);
  await promote(config, 'v1');

  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--config', file, 'chat'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await waitFor('the chat prompt', () => /understudy chat/.test(out), 120_000);
    assert.match(err, /student: serving v1/);
    // No question is asked: the registry poll (every 2 s) loads the new version in the background.
    await promote(config, 'v2');
    await waitFor(`the swap on stderr (stderr: ${err})`, () => err.includes(`student: v1 → v2 (${v.v2})`), 60_000);
    await waitFor('the old student to close', () => err.includes('student: v1 closed'));
    child.stdin.end('/quit\n');
    assert.equal(await exited, 0, `exit code; stderr:\n${err.slice(-2000)}`);
    assert.match(err, /student: v2 closed/);
  } finally {
    child.kill('SIGTERM');
  }
});
