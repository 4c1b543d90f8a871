import type Database from 'better-sqlite3';
import { MIGRATIONS, newerSchemaError } from './index.ts';

/**
 * Brings the database to the newest schema. Each migration runs in its own write transaction that
 * re-reads the version first, so two processes opening a fresh file at once don't both apply it.
 */
export function migrateSqlite(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const current = db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_version').pluck();
  const step = db.transaction((): boolean => {
    const version = current.get() as number;
    if (version > MIGRATIONS.length) throw newerSchemaError(version);
    if (version === MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[version]!.sqlite);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version + 1);
    return true;
  });
  while (step.immediate());
  return current.get() as number;
}
