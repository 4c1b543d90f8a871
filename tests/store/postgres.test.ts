// The log store on a real PostgreSQL: the backend-independent suite, what only a server shares
// (concurrent migration and writers, the schema guard), and the admin UI and the nightly job's
// collect step working on it unchanged. One server for the file, a fresh database per test.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { seedDemo } from '../../admin/demo-data.ts';
import { loadConfig } from '../../config/index.ts';
import { openStore, PostgresLogStore, SqliteLogStore, type LogStore } from '../../store/index.ts';
import { MIGRATIONS } from '../../store/migrations/index.ts';
import { collectExamples } from '../../training/index.ts';
import { signIn, startHarness } from '../admin/fixtures.ts';
import { startPostgres, type PostgresServer } from '../services.ts';
import { tempDbPath } from './fixtures/records.ts';
import { storeSuite } from './fixtures/suite.ts';

let server: PostgresServer;
let admin: pg.Client;
let databases = 0;

before(async () => {
  server = await startPostgres();
  admin = new pg.Client(server.url);
  await admin.connect();
});
after(async () => {
  await admin.end();
  await server.stop();
});

/** The URL of a new, empty database on the test server. */
async function freshDatabase(): Promise<string> {
  const name = `store_${++databases}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

storeSuite(async (options) => PostgresLogStore.open(await freshDatabase(), options));

test('processes opening a fresh database at once apply each migration once', async () => {
  const url = await freshDatabase();
  const stores = await Promise.all([1, 2, 3].map(() => PostgresLogStore.open(url, { max: 2 })));
  assert.deepEqual(stores.map((s) => s.schemaVersion), [3, 3, 3].map(() => MIGRATIONS.length));
  const versions = await stores[0]!.pool.query('SELECT version FROM schema_version ORDER BY version');
  assert.deepEqual(versions.rows.map((r) => r.version), MIGRATIONS.map((_, i) => i + 1));
  await Promise.all(stores.map((s) => s.close()));
});

test('concurrent writers lose no row, and a job both take is one question with two attempts', async () => {
  const url = await freshDatabase();
  const [a, b] = await Promise.all([PostgresLogStore.open(url, { max: 4 }), PostgresLogStore.open(url, { max: 4 })]);
  const write = async (store: PostgresLogStore, tag: string) => {
    for (let i = 0; i < 100; i += 4) {
      await Promise.all([i, i + 1, i + 2, i + 3].map(async (k) => {
        await store.createQuestion({ id: `job-${k}`, text: `shared job ${k}`, surface: 'slack' });
        const own = await store.createQuestion({ text: `${tag} question ${k}`, surface: 'cli', user: tag });
        await store.finishQuestion(own, { status: 'answered', route: 'student', reason: 'confident', answer: `${tag} answer ${k}`,
          abstained: false, unverified: false, sources: [], latencyMs: k, error: null });
      }));
    }
  };
  await Promise.all([write(a!, 'left'), write(b!, 'right')]);
  assert.equal((await a!.listQuestions({}, { offset: 0, limit: 0 })).total, 300);
  assert.equal((await b!.listQuestions({ user: 'left', text: 'answer' }, { offset: 0, limit: 0 })).total, 100);
  const attempts = await a!.pool.query("SELECT attempts, count(*)::int AS n FROM questions WHERE id LIKE 'job-%' GROUP BY attempts");
  assert.deepEqual(attempts.rows, [{ attempts: 2, n: 100 }]);
  await Promise.all([a!.close(), b!.close()]);
});

test('a database migrated by a newer understudy is refused', async () => {
  const url = await freshDatabase();
  const store = await PostgresLogStore.open(url);
  await store.pool.query('INSERT INTO schema_version (version) VALUES ($1)', [MIGRATIONS.length + 1]);
  await store.close();
  await assert.rejects(PostgresLogStore.open(url), /newer than this understudy knows/);
  const config = loadConfig({ env: { DATABASE_URL: url.replace('postgres:', 'postgresql:') } });
  await assert.rejects(openStore(config), /newer than this understudy knows/, 'openStore follows DATABASE_URL to Postgres');
});

/** The same demo traffic in SQLite, to compare what consumers read from either backend. */
async function sqliteTwin(days: number, perDay: number): Promise<LogStore> {
  let t = Date.now();
  const store = new SqliteLogStore(tempDbPath(), { now: () => new Date(t) });
  await seedDemo(store, { set: (ms) => void (t = ms) }, { days, perDay });
  return store;
}

test('the admin UI works on Postgres: the list, a filtered full-text list and a question page', async () => {
  const h = await startHarness({ days: 4, perDay: 6, open: async (now) => PostgresLogStore.open(await freshDatabase(), { now }) });
  const twin = await sqliteTwin(4, 6);
  try {
    const { cookie } = await signIn(h.server.url);
    const get = async (p: string) => (await fetch(h.server.url + p, { headers: { cookie } })).text();
    const all = await h.store.listQuestions({}, { offset: 0, limit: 25 });
    assert.equal(all.total, (await twin.listQuestions({}, { offset: 0, limit: 0 })).total);
    const list = await get('/questions');
    assert.match(list, new RegExp(`${all.total} matching`));
    for (const q of all.items) assert.ok(list.includes(`/questions/${q.id}`), q.id);

    // Two words of a teacher-answered question, in capitals: a filter and a full-text search at once.
    const sample = (await h.store.listQuestions({ route: 'teacher' }, { offset: 0, limit: 1 })).items[0]!;
    const words = sample.text.split(' ').slice(1, 3).join(' ').toUpperCase();
    const filter = { route: 'teacher' as const, text: words };
    const [found, expected] = await Promise.all([h.store, twin].map((s) => s.listQuestions(filter, { offset: 0, limit: 25 })));
    assert.ok(found!.items.some((q) => q.id === sample.id), 'the sample question is found');
    assert.deepEqual(found!.items.map((q) => [q.text, q.route]), expected!.items.map((q) => [q.text, q.route]), 'the same matches as SQLite');
    const filtered = await get(`/questions?route=teacher&q=${encodeURIComponent(words)}`);
    assert.match(filtered, new RegExp(`${found!.total} matching`));
    for (const q of found!.items) assert.ok(filtered.includes(`/questions/${q.id}`), q.id);

    const d = (await h.store.getQuestion(found!.items[0]!.id))!;
    const page = await get(`/questions/${d.question.id}`);
    assert.equal((page.match(/class="trajectory"/g) ?? []).length, d.trajectories.length);
    assert.ok(page.includes('data-role="teacher"'), 'the teacher trajectory is shown');
    assert.match(page, /SAG candidates · agreement \d+\.\d%/);
  } finally {
    await Promise.all([h.close(), twin.close()]);
  }
});

test("the nightly job's collect step reads the approved teacher trajectories from Postgres", async () => {
  let t = Date.now();
  const store = await PostgresLogStore.open(await freshDatabase(), { now: () => new Date(t) });
  await seedDemo(store, { set: (ms) => void (t = ms) }, { days: 8, perDay: 5 });
  const twin = await sqliteTwin(8, 5);
  try {
    const config = loadConfig({ env: {}, overrides: { dataDir: mkdtempSync(path.join(tmpdir(), 'understudy-pg-collect-')), 'distill.policy': 'approved' } });
    const approved = await store.listTrajectories({ role: 'teacher', outcome: 'final', curation: 'approved' });
    assert.ok(approved.length > 0, 'the demo has approved teacher trajectories');
    const [fromPg, fromSqlite] = await Promise.all([store, twin].map((s) => collectExamples(config, { store: s })));
    assert.ok(fromPg!.collected > 0, 'examples collected');
    assert.ok(fromPg!.kept.every((e) => e.source === 'store' && approved.some((a) => a.id === e.id)), 'only approved teacher trajectories');
    const strip = (r: typeof fromPg) => ({ ...r, kept: r!.kept.map(({ id: _, ...e }) => e) });
    assert.deepEqual(strip(fromPg), strip(fromSqlite), 'the same training examples as from SQLite');
  } finally {
    await Promise.all([store.close(), twin.close()]);
  }
});
