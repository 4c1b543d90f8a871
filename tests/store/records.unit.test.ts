import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../../config/index.ts';
import { openStore, SqliteLogStore, storePath } from '../../store/index.ts';
import { MIGRATIONS } from '../../store/migrations/index.ts';
import { freePort } from '../services.ts';
import { tempDbPath } from './fixtures/records.ts';
import { storeSuite } from './fixtures/suite.ts';

storeSuite(async (options) => new SqliteLogStore(tempDbPath(), options));

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
  await assert.rejects(openStore(loadConfig({ env: {}, overrides: { 'store.url': 'mysql://x' } })), /"mysql:" is not supported/);
});

test('openStore takes postgres:// and postgresql:// to PostgreSQL, and its errors never show the password', async () => {
  const secretless = (pattern: RegExp) => (e: Error) => (e as { userFacing?: boolean }).userFacing === true && pattern.test(e.message) && !e.message.includes('s3cret');
  const port = await freePort(); // nothing listens there
  for (const scheme of ['postgres', 'postgresql']) {
    const config = loadConfig({ env: { DATABASE_URL: `${scheme}://u:s3cret@127.0.0.1:${port}/understudy` } });
    await assert.rejects(openStore(config), secretless(new RegExp(`cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/understudy: .*ECONNREFUSED`)));
  }
  await assert.rejects(openStore(loadConfig({ env: {}, overrides: { 'store.url': 'postgres://u:s3cret@[db/x' } })), secretless(/not a valid PostgreSQL URL/));
  assert.throws(() => storePath(loadConfig({ env: {}, overrides: { 'store.url': 'postgres://db/x' } })), /PostgreSQL, which has no file/);
});

test('every migration is written for both backends', () => {
  for (const [i, m] of MIGRATIONS.entries()) {
    assert.ok(m.sqlite.trim() && m.postgres.trim(), `migration ${i + 1}`);
  }
});
