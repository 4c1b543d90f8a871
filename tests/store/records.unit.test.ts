import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../../config/index.ts';
import { openStore, SqliteLogStore, storePath, type ModelVersionRecord } from '../../store/index.ts';
import { MIGRATIONS } from '../../store/migrations.ts';
import { answered, manualClock, sagStep, tempDbPath, trajectory } from './fixtures/records.ts';

test('every record type round-trips', async () => {
  const clock = manualClock();
  const store = new SqliteLogStore(tempDbPath(), { now: clock.now });
  const qid = await store.createQuestion({ text: 'Do I need the VPN at a café?', surface: 'slack', user: 'U1', channel: 'C1' });
  clock.advance(1000);
  const tid = await store.addTrajectory(trajectory(qid, { firstThought: 'Check the policy.' }));
  await store.finishQuestion(qid, answered());
  const fid = await store.addFeedback({ questionId: qid, trajectoryId: tid, user: 'U1', value: 'up', surface: 'slack' });
  const version: ModelVersionRecord = {
    version: 'v2026-11-01', baseModel: 'qwen2.5-coder-0.5b', adapterPath: '/data/v1.gguf', datasetHash: 'abc',
    evalReport: { accuracy: 0.61, n: 100 }, status: 'promoted', createdAt: '2026-11-01T03:00:00.000Z', promotedAt: '2026-11-01T03:10:00.000Z',
  };
  await store.upsertModelVersion(version);
  await store.upsertModelVersion({ ...version, status: 'rolled_back' });

  const d = (await store.getQuestion(qid))!;
  assert.deepEqual(d.question, {
    id: qid, text: 'Do I need the VPN at a café?', surface: 'slack', user: 'U1', channel: 'C1', createdAt: '2026-11-01T09:00:00.000Z',
    attempts: 1, ...answered(),
  });
  assert.equal(d.trajectories.length, 1);
  assert.deepEqual(d.trajectories[0], {
    ...trajectory(qid, { firstThought: 'Check the policy.' }), id: tid, createdAt: '2026-11-01T09:00:01.000Z', curation: 'pending',
    editedAnswer: null, curatedBy: null, curatedAt: null,
  });
  assert.deepEqual(d.trajectories[0]!.steps[0], sagStep);
  assert.deepEqual(d.feedback, [{ id: fid, questionId: qid, trajectoryId: tid, user: 'U1', value: 'up', surface: 'slack', createdAt: '2026-11-01T09:00:01.000Z' }]);
  assert.deepEqual(d.curationLog, []);
  assert.deepEqual(await store.listModelVersions(), [{ ...version, status: 'rolled_back' }]);
  assert.equal(await store.getQuestion('nope'), undefined);
  await assert.rejects(store.finishQuestion('nope', answered()), /no question with id nope/);
  await assert.rejects(store.addTrajectory(trajectory('nope')), /FOREIGN KEY/);
  await store.close();
});

test('a question or feedback written again under its own id is one record: the question counts attempts', async () => {
  const store = new SqliteLogStore(tempDbPath());
  const first = { id: 'job-7', text: 'How many vacation days?', surface: 'slack' as const, user: 'U1' };
  assert.equal(await store.createQuestion(first), 'job-7');
  assert.equal(await store.createQuestion({ ...first, text: 'changed on the way' }), 'job-7');
  const fb = { id: 'fb-1', questionId: 'job-7', trajectoryId: null, user: 'U1', value: 'down' as const, surface: 'slack' as const };
  assert.equal(await store.addFeedback(fb), 'fb-1');
  await store.addFeedback(fb);
  const d = (await store.getQuestion('job-7'))!;
  assert.equal(d.question.attempts, 2);
  assert.equal(d.question.text, 'How many vacation days?');
  assert.equal(d.feedback.length, 1);
  assert.equal((await store.listQuestions({}, { offset: 0, limit: 10 })).total, 1);
  await store.close();
});

test('listQuestions applies every filter, full-text search and paging, newest first', async () => {
  const clock = manualClock('2026-11-01T12:00:00.000Z');
  const store = new SqliteLogStore(tempDbPath(), { now: clock.now });
  const ids: string[] = [];
  const mk = async (text: string, surface: 'slack' | 'discord' | 'cli', user: string, channel: string | null, route: 'student' | 'teacher', reason: string, answer: string) => {
    const id = await store.createQuestion({ text, surface, user, channel });
    await store.finishQuestion(id, answered({ route, reason, answer }));
    ids.push(id);
    clock.advance(24 * 3600_000);
    return id;
  };
  const a = await mk('How do I reset my password?', 'slack', 'alice', 'C1', 'student', 'confident', 'Use the self-service portal.');
  const b = await mk('What is the parental leave policy?', 'discord', 'bob', 'D1', 'teacher', 'low_agreement', 'Sixteen weeks, fully paid.');
  const c = await mk('Where is the on-call runbook?', 'cli', 'alice', null, 'teacher', 'max_steps', 'In the ops wiki under Runbooks.');
  const pending = await store.createQuestion({ text: 'A question still being answered', surface: 'slack', user: 'carol', channel: 'C1' });

  await store.addTrajectory(trajectory(a, { model: 'student-base', adapter: 'v7' }));
  const tb = await store.addTrajectory(trajectory(b, { role: 'teacher', model: 'teacher-1.5b' }));
  await store.addFeedback({ questionId: a, trajectoryId: null, user: 'alice', value: 'up', surface: 'slack' });
  await store.addFeedback({ questionId: b, trajectoryId: tb, user: 'bob', value: 'down', surface: 'discord' });
  await store.curate([tb], 'approved', 'admin');

  const ids_ = async (f: Parameters<typeof store.listQuestions>[0]) => (await store.listQuestions(f, { offset: 0, limit: 50 })).items.map((q) => q.id);
  assert.deepEqual(await ids_({}), [pending, c, b, a]);
  assert.deepEqual(await ids_({ surface: 'slack' }), [pending, a]);
  assert.deepEqual(await ids_({ channel: 'C1' }), [pending, a]);
  assert.deepEqual(await ids_({ user: 'alice' }), [c, a]);
  assert.deepEqual(await ids_({ route: 'teacher' }), [c, b]);
  assert.deepEqual(await ids_({ reason: 'max_steps' }), [c]);
  assert.deepEqual(await ids_({ feedback: 'up' }), [a]);
  assert.deepEqual(await ids_({ feedback: 'down' }), [b]);
  assert.deepEqual(await ids_({ feedback: 'none' }), [pending, c]);
  assert.deepEqual(await ids_({ curation: 'approved' }), [b]);
  assert.deepEqual(await ids_({ curation: 'pending' }), [a]);
  assert.deepEqual(await ids_({ model: 'v7' }), [a]);
  assert.deepEqual(await ids_({ model: 'teacher-1.5b' }), [b]);
  assert.deepEqual(await ids_({ from: '2026-11-02' }), [pending, c, b]);
  assert.deepEqual(await ids_({ to: '2026-11-02' }), [b, a], 'a bare date includes the whole day');
  assert.deepEqual(await ids_({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T12:00:00.000Z' }), [c, b]);
  assert.deepEqual(await ids_({ text: 'password' }), [a]);
  assert.deepEqual(await ids_({ text: 'sixteen weeks' }), [b], 'searches answers too');
  assert.deepEqual(await ids_({ text: 'run' }), [c], 'words match as prefixes');
  assert.deepEqual(await ids_({ text: '"unbalanced OR (AND*' }), [], 'FTS syntax in user text is harmless');
  assert.deepEqual(await ids_({ text: '   ' }), [pending, c, b, a], 'empty search matches everything');
  assert.deepEqual(await ids_({ surface: 'cli', user: 'alice', route: 'teacher', text: 'runbook' }), [c]);

  const page1 = await store.listQuestions({}, { offset: 0, limit: 3 });
  const page2 = await store.listQuestions({}, { offset: 3, limit: 3 });
  assert.equal(page1.total, 4);
  assert.equal(page2.total, 4);
  assert.deepEqual([...page1.items, ...page2.items].map((q) => q.id), [pending, c, b, a]);
  assert.deepEqual((await store.listQuestions({}, { offset: 0, limit: 0 })).items, []);
  await store.close();
});

test('the full-text index follows edits to answers', async () => {
  const store = new SqliteLogStore(tempDbPath());
  const id = await store.createQuestion({ text: 'Who approves expenses?', surface: 'cli' });
  assert.equal((await store.listQuestions({ text: 'manager' }, { offset: 0, limit: 10 })).total, 0);
  await store.finishQuestion(id, answered({ answer: 'Your manager approves them.' }));
  assert.equal((await store.listQuestions({ text: 'manager' }, { offset: 0, limit: 10 })).total, 1);
  await store.finishQuestion(id, answered({ answer: 'Finance approves them.' }));
  assert.equal((await store.listQuestions({ text: 'manager' }, { offset: 0, limit: 10 })).total, 0);
  assert.equal((await store.listQuestions({ text: 'finance' }, { offset: 0, limit: 10 })).total, 1);
  await store.close();
});

test('curation writes the state and an audit row with who, when and the edited answer', async () => {
  const clock = manualClock();
  const store = new SqliteLogStore(tempDbPath(), { now: clock.now });
  const q = await store.createQuestion({ text: 'q', surface: 'cli' });
  const t1 = await store.addTrajectory(trajectory(q, { role: 'teacher' }));
  const t2 = await store.addTrajectory(trajectory(q, { role: 'student' }));
  clock.set('2026-11-02T10:00:00.000Z');
  await store.curate([t1], 'approved', 'dana', 'The corrected answer.');
  clock.set('2026-11-02T11:00:00.000Z');
  await store.curate([t1, t2], 'rejected', 'eli');
  await assert.rejects(store.curate([t2, 'missing'], 'approved', 'eli'), /no trajectory with id missing/);

  const d = (await store.getQuestion(q))!;
  const [r1, r2] = d.trajectories;
  assert.deepEqual([r1!.curation, r1!.editedAnswer, r1!.curatedBy, r1!.curatedAt], ['rejected', 'The corrected answer.', 'eli', '2026-11-02T11:00:00.000Z']);
  assert.equal(r2!.curation, 'rejected', 'a failed batch changes nothing');
  assert.deepEqual(d.curationLog, [
    { trajectoryId: t1, state: 'approved', editedAnswer: 'The corrected answer.', by: 'dana', at: '2026-11-02T10:00:00.000Z' },
    { trajectoryId: t1, state: 'rejected', editedAnswer: 'The corrected answer.', by: 'eli', at: '2026-11-02T11:00:00.000Z' },
    { trajectoryId: t2, state: 'rejected', editedAnswer: null, by: 'eli', at: '2026-11-02T11:00:00.000Z' },
  ]);
  await store.curate([t1], 'approved', 'dana', null);
  assert.equal((await store.getQuestion(q))!.trajectories[0]!.editedAnswer, null, 'null clears an edit');

  assert.deepEqual((await store.listTrajectories({ role: 'teacher', curation: 'approved' })).map((t) => t.id), [t1]);
  assert.deepEqual((await store.listTrajectories({ outcome: 'final' })).map((t) => t.id), [t1, t2], 'oldest first');
  assert.deepEqual(await store.listTrajectories({ since: '2030-01-01' }), []);
  await store.close();
});

test('migrations are versioned and idempotent on reopen', async () => {
  const file = tempDbPath();
  const first = new SqliteLogStore(file);
  assert.equal(first.schemaVersion, MIGRATIONS.length);
  const id = await first.createQuestion({ text: 'kept across reopen', surface: 'cli' });
  await first.close();
  const again = new SqliteLogStore(file);
  assert.equal(again.schemaVersion, MIGRATIONS.length);
  assert.equal((await again.getQuestion(id))!.question.text, 'kept across reopen');
  assert.deepEqual(again.db.prepare('SELECT version FROM schema_version').pluck().all(), MIGRATIONS.map((_, i) => i + 1));
  assert.equal(again.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(again.db.pragma('foreign_keys', { simple: true }), 1);
  await again.close();

  const raw = new Database(file);
  raw.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length + 1);
  raw.close();
  assert.throws(() => new SqliteLogStore(file), /newer than this understudy knows/);
});

test('openStore follows store.url and creates the data directory', async () => {
  const file = tempDbPath();
  const store = await openStore(loadConfig({ env: {}, overrides: { 'store.url': `sqlite:${file}` } }));
  assert.ok(store instanceof SqliteLogStore);
  assert.equal((store as SqliteLogStore).file, file);
  await store.close();
  assert.equal(storePath(loadConfig({ env: {}, overrides: { dataDir: '/srv/us' } })), '/srv/us/understudy.db');
  await assert.rejects(openStore(loadConfig({ env: {}, overrides: { 'store.url': 'postgres://u:secret@db/understudy' } })), (e: Error) =>
    /Postgres log store is not implemented yet/.test(e.message) && !e.message.includes('secret'));
  await assert.rejects(openStore(loadConfig({ env: {}, overrides: { 'store.url': 'mysql://x' } })), /"mysql:" is not supported/);
});
