import type Database from 'better-sqlite3';

/**
 * Ordered schema migrations: entry i takes the schema from version i to i + 1.
 * Append only; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    surface TEXT NOT NULL,
    user TEXT,
    channel TEXT,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'answered', 'failed')),
    route TEXT CHECK (route IN ('student', 'teacher')),
    reason TEXT,
    answer TEXT,
    abstained INTEGER NOT NULL DEFAULT 0,
    unverified INTEGER NOT NULL DEFAULT 0,
    sources TEXT NOT NULL DEFAULT '[]',
    latency_ms REAL,
    error TEXT
  );
  CREATE INDEX questions_created ON questions (created_at);
  CREATE INDEX questions_surface ON questions (surface, created_at);

  CREATE TABLE trajectories (
    id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('student', 'teacher', 'shadow')),
    model TEXT NOT NULL,
    adapter TEXT,
    first_thought TEXT,
    steps TEXT NOT NULL,
    final_answer TEXT,
    outcome TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    curation TEXT NOT NULL DEFAULT 'pending' CHECK (curation IN ('pending', 'approved', 'rejected')),
    edited_answer TEXT,
    curated_by TEXT,
    curated_at TEXT
  );
  CREATE INDEX trajectories_question ON trajectories (question_id);
  CREATE INDEX trajectories_role ON trajectories (role, created_at);

  CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    trajectory_id TEXT REFERENCES trajectories (id) ON DELETE SET NULL,
    user TEXT NOT NULL,
    value TEXT NOT NULL CHECK (value IN ('up', 'down')),
    surface TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX feedback_question ON feedback (question_id);

  CREATE TABLE curation_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trajectory_id TEXT NOT NULL REFERENCES trajectories (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    edited_answer TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX curation_log_trajectory ON curation_log (trajectory_id);

  CREATE TABLE model_versions (
    version TEXT PRIMARY KEY,
    base_model TEXT NOT NULL,
    adapter_path TEXT,
    dataset_hash TEXT,
    eval_report TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    promoted_at TEXT
  );

  -- Full-text index over each question and its delivered answer, kept in sync by triggers.
  CREATE VIRTUAL TABLE questions_fts USING fts5 (text, answer, content = 'questions', content_rowid = 'rowid');
  CREATE TRIGGER questions_fts_insert AFTER INSERT ON questions BEGIN
    INSERT INTO questions_fts (rowid, text, answer) VALUES (new.rowid, new.text, coalesce(new.answer, ''));
  END;
  CREATE TRIGGER questions_fts_delete AFTER DELETE ON questions BEGIN
    INSERT INTO questions_fts (questions_fts, rowid, text, answer) VALUES ('delete', old.rowid, old.text, coalesce(old.answer, ''));
  END;
  CREATE TRIGGER questions_fts_update AFTER UPDATE OF text, answer ON questions BEGIN
    INSERT INTO questions_fts (questions_fts, rowid, text, answer) VALUES ('delete', old.rowid, old.text, coalesce(old.answer, ''));
    INSERT INTO questions_fts (rowid, text, answer) VALUES (new.rowid, new.text, coalesce(new.answer, ''));
  END;
  `,
  `
  ALTER TABLE questions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
  `,
];

/**
 * Brings the database to the newest schema. Each migration runs in its own write transaction that
 * re-reads the version first, so two processes opening a fresh file at once don't both apply it.
 */
export function migrate(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const current = db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_version').pluck();
  const step = db.transaction((): boolean => {
    const version = current.get() as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`the log store's schema (version ${version}) is newer than this understudy knows (${MIGRATIONS.length}); upgrade understudy`);
    }
    if (version === MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[version]!);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version + 1);
    return true;
  });
  while (step.immediate());
  return current.get() as number;
}
