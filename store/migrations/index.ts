import { schema } from './001-schema.ts';
import { attempts } from './002-attempts.ts';

/** One schema change, written for each backend: both take the schema from version N - 1 to N. */
export interface Migration {
  sqlite: string;
  postgres: string;
}

/**
 * Ordered schema migrations: entry i takes the schema from version i to i + 1, on either backend.
 * Append only; never edit one that has shipped.
 */
export const MIGRATIONS: readonly Migration[] = [schema, attempts];

export function newerSchemaError(version: number): Error {
  return new Error(`the log store's schema (version ${version}) is newer than this understudy knows (${MIGRATIONS.length}); upgrade understudy`);
}
