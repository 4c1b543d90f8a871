import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';
import { SqliteLogStore } from '../../store/index.ts';
import { tempDbPath } from './fixtures/records.ts';

const writer = path.join(import.meta.dirname, 'fixtures', 'writer.ts');

function spawnWriter(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', writer, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

test('a question killed mid-answer stays visible as pending and the file stays sound', async () => {
  const file = tempDbPath();
  const child = spawnWriter(file, 'crash');
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const id = chunk.toString().trim();
  await new Promise((r) => setTimeout(r, 300)); // let it get deep into its trajectory writes
  child.kill('SIGKILL');
  await once(child, 'exit');

  const store = new SqliteLogStore(file);
  assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
  const d = (await store.getQuestion(id))!;
  assert.equal(d.question.status, 'pending');
  assert.equal(d.question.answer, null);
  assert.ok(d.trajectories.length > 0, 'committed writes before the kill survive');
  assert.deepEqual((await store.listQuestions({}, { offset: 0, limit: 10 })).items.map((q) => q.id), [id]);
  await store.close();
});

test('two processes create the file, migrate and write concurrently through WAL without losing a row', async () => {
  const file = tempDbPath();
  const kids = [spawnWriter(file, 'burst', '300', 'left'), spawnWriter(file, 'burst', '300', 'right')];
  const codes = await Promise.all(kids.map(async (k) => (await once(k, 'exit'))[0]));
  assert.deepEqual(codes, [0, 0]);

  const store = new SqliteLogStore(file);
  assert.equal((await store.listQuestions({}, { offset: 0, limit: 0 })).total, 600);
  assert.equal((await store.listQuestions({ user: 'left', text: 'answer' }, { offset: 0, limit: 0 })).total, 300);
  assert.equal((await store.listQuestions({ user: 'right' }, { offset: 0, limit: 0 })).total, 300);
  await store.close();
});

test('two connections in one process see each other\'s writes', async () => {
  const file = tempDbPath();
  const a = new SqliteLogStore(file);
  const b = new SqliteLogStore(file);
  const id = await a.createQuestion({ text: 'written by a', surface: 'cli' });
  const reading = b.db.transaction(() => b.db.prepare('SELECT count(*) FROM questions').pluck().get());
  assert.equal(reading(), 1);
  await b.addFeedback({ questionId: id, trajectoryId: null, user: 'u', value: 'down', surface: 'cli' });
  assert.equal((await a.getQuestion(id))!.feedback.length, 1);
  await Promise.all([a.close(), b.close()]);
});
