import type { Migration } from './index.ts';

/** The first schema: questions, trajectories, feedback, the curation log, model versions and full-text search. */
export const schema: Migration = {
  sqlite: `
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
  postgres: String.raw`
  -- Timestamps are the ISO strings the application writes (toISOString: fixed width, UTC), kept as
  -- text in byte order so that comparisons and results are exactly SQLite's. seq orders rows
  -- written in the same millisecond by insertion, as SQLite's rowid does.
  CREATE TABLE questions (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    text text NOT NULL,
    surface text NOT NULL,
    "user" text,
    channel text,
    created_at text COLLATE "C" NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'answered', 'failed')),
    route text CHECK (route IN ('student', 'teacher')),
    reason text,
    answer text,
    abstained boolean NOT NULL DEFAULT false,
    unverified boolean NOT NULL DEFAULT false,
    sources json NOT NULL DEFAULT '[]',
    latency_ms double precision,
    error text
  );
  CREATE INDEX questions_created ON questions (created_at, seq);
  CREATE INDEX questions_surface ON questions (surface, created_at, seq);

  CREATE TABLE trajectories (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    question_id text NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('student', 'teacher', 'shadow')),
    model text NOT NULL,
    adapter text,
    first_thought text,
    steps json NOT NULL,
    final_answer text,
    outcome text NOT NULL,
    latency_ms double precision NOT NULL,
    prompt_tokens integer NOT NULL,
    completion_tokens integer NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    curation text NOT NULL DEFAULT 'pending' CHECK (curation IN ('pending', 'approved', 'rejected')),
    edited_answer text,
    curated_by text,
    curated_at text COLLATE "C"
  );
  CREATE INDEX trajectories_question ON trajectories (question_id);
  CREATE INDEX trajectories_role ON trajectories (role, created_at, seq);

  CREATE TABLE feedback (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    question_id text NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    trajectory_id text REFERENCES trajectories (id) ON DELETE SET NULL,
    "user" text NOT NULL,
    value text NOT NULL CHECK (value IN ('up', 'down')),
    surface text NOT NULL,
    created_at text COLLATE "C" NOT NULL
  );
  CREATE INDEX feedback_question ON feedback (question_id);

  CREATE TABLE curation_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trajectory_id text NOT NULL REFERENCES trajectories (id) ON DELETE CASCADE,
    state text NOT NULL,
    edited_answer text,
    by text NOT NULL,
    at text COLLATE "C" NOT NULL
  );
  CREATE INDEX curation_log_trajectory ON curation_log (trajectory_id);

  CREATE TABLE model_versions (
    version text COLLATE "C" PRIMARY KEY,
    base_model text NOT NULL,
    adapter_path text,
    dataset_hash text,
    eval_report json,
    status text NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    promoted_at text COLLATE "C"
  );

  -- Full-text search like SQLite's FTS5 unicode61 tokenizer, whatever the database's locale:
  -- punctuation and symbols separate words (Postgres' parser would keep host names, paths and
  -- hyphenated words whole), Latin diacritics fold away, no stemming ('simple').
  CREATE FUNCTION understudy_search_words(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT lower(translate(
      regexp_replace(t, '[\u0001-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u2000-\u206f\u20a0-\u20cf\u2190-\u23ff\u2500-\u2bff\u3000-\u3003\u3008-\u3020\ufeff\U0001f000-\U0001faff]+', ' ', 'g'),
      'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž', 'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzz'))
  $fn$;
  -- Every word a prefix term, all of which must match (an FTS5 query of "word"* terms).
  CREATE FUNCTION understudy_search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT to_tsquery('simple', coalesce(string_agg(quote_literal(w) || ':*', ' & '), ''))
    FROM regexp_split_to_table(understudy_search_words(q), ' +') AS w WHERE w <> ''
  $fn$;
  ALTER TABLE questions ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', understudy_search_words(text || ' ' || coalesce(answer, '')))) STORED;
  CREATE INDEX questions_search ON questions USING gin (search);
  `,
};
