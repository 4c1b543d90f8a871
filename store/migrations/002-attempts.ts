import type { Migration } from './index.ts';

/** How many times a question was started under its caller's id (a re-delivered job counts one more). */
export const attempts: Migration = {
  sqlite: `
  ALTER TABLE questions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
  `,
  postgres: `
  ALTER TABLE questions ADD COLUMN attempts integer NOT NULL DEFAULT 1;
  `,
};
