import type pg from 'pg';
import { MIGRATIONS, newerSchemaError } from './index.ts';

/** Any fixed key will do: it names the one lock every understudy process takes to migrate a database. */
const MIGRATION_LOCK = 0x756e6465; // "unde"

/**
 * Brings the database to the newest schema. A session advisory lock serialises processes that open
 * a fresh database at once; each migration commits with its version row, so a crash mid-way
 * leaves the schema at the last whole version.
 */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
      let version = Number((await client.query('SELECT coalesce(max(version), 0) AS v FROM schema_version')).rows[0].v);
      if (version > MIGRATIONS.length) throw newerSchemaError(version);
      for (; version < MIGRATIONS.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(MIGRATIONS[version]!.postgres);
          await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version + 1]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        }
      }
      return version;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
