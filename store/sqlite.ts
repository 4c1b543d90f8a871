import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { trajectoryWhere, whereFor } from './filters.ts';
import { UnknownRecordError } from './errors.ts';
import { migrateSqlite } from './migrations/sqlite.ts';
import { toCurationEvent, toFeedback, toModelVersion, toQuestion, toTrajectory, type Row } from './rows.ts';
import type {
  CurationState, LogStore, ModelVersionRecord, NewFeedback, NewQuestion, NewTrajectory, Page,
  QuestionDetail, QuestionFilter, QuestionOutcome, QuestionRecord, StoreOptions, TrajectoryFilter, TrajectoryRecord,
} from './types.ts';

export interface SqliteOptions extends StoreOptions {
  /** How long a write waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
}

/**
 * Switching a fresh file to WAL needs it alone for a moment, and SQLite answers a process racing
 * another for it with SQLITE_BUSY at once rather than after busy_timeout: so wait and retry here.
 */
function enableWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** The log store in one SQLite file (WAL, so readers never block the writer). */
export class SqliteLogStore implements LogStore {
  readonly db: Database.Database;
  readonly schemaVersion: number;
  private readonly now: () => Date;

  constructor(readonly file: string, options: SqliteOptions = {}) {
    this.now = options.now ?? (() => new Date());
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    enableWal(this.db, busyTimeoutMs);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.schemaVersion = migrateSqlite(this.db);
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  async createQuestion(q: NewQuestion): Promise<string> {
    const id = q.id ?? randomUUID();
    this.db
      .prepare(
        `INSERT INTO questions (id, text, surface, user, channel, created_at, status) VALUES (?, ?, ?, ?, ?, ?, 'pending')
         ON CONFLICT (id) DO UPDATE SET attempts = attempts + 1`,
      )
      .run(id, q.text, q.surface, q.user ?? null, q.channel ?? null, this.stamp());
    return id;
  }

  async finishQuestion(id: string, o: QuestionOutcome): Promise<void> {
    const res = this.db
      .prepare(
        `UPDATE questions SET status = ?, route = ?, reason = ?, answer = ?, abstained = ?, unverified = ?, sources = ?, latency_ms = ?, error = ?
         WHERE id = ?`,
      )
      .run(o.status, o.route, o.reason, o.answer, o.abstained ? 1 : 0, o.unverified ? 1 : 0, JSON.stringify(o.sources), o.latencyMs, o.error, id);
    if (res.changes === 0) throw new UnknownRecordError(`no question with id ${id}`);
  }

  async addTrajectory(t: NewTrajectory): Promise<string> {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO trajectories (id, question_id, role, model, adapter, first_thought, steps, final_answer, outcome,
           latency_ms, prompt_tokens, completion_tokens, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, t.questionId, t.role, t.model, t.adapter, t.firstThought, JSON.stringify(t.steps), t.finalAnswer, t.outcome,
        t.latencyMs, t.promptTokens, t.completionTokens, this.stamp());
    return id;
  }

  async addFeedback(f: NewFeedback): Promise<string> {
    const id = f.id ?? randomUUID();
    this.db
      .prepare('INSERT INTO feedback (id, question_id, trajectory_id, user, value, surface, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
      .run(id, f.questionId, f.trajectoryId, f.user, f.value, f.surface, this.stamp());
    return id;
  }

  async getQuestion(id: string): Promise<QuestionDetail | undefined> {
    const q = this.db.prepare('SELECT * FROM questions WHERE id = ?').get(id) as Row | undefined;
    if (!q) return undefined;
    const trajectories = this.db.prepare('SELECT * FROM trajectories WHERE question_id = ? ORDER BY created_at, rowid').all(id) as Row[];
    const feedback = this.db.prepare('SELECT * FROM feedback WHERE question_id = ? ORDER BY created_at, rowid').all(id) as Row[];
    const log = this.db
      .prepare(
        `SELECT c.* FROM curation_log c JOIN trajectories t ON t.id = c.trajectory_id
         WHERE t.question_id = ? ORDER BY c.id`,
      )
      .all(id) as Row[];
    return {
      question: toQuestion(q),
      trajectories: trajectories.map(toTrajectory),
      feedback: feedback.map(toFeedback),
      curationLog: log.map(toCurationEvent),
    };
  }

  async listQuestions(filter: QuestionFilter, page: { offset: number; limit: number }): Promise<Page<QuestionRecord>> {
    const where = whereFor(filter);
    const read = this.db.transaction(() => {
      const total = this.db.prepare(`SELECT count(*) FROM questions q ${where.sql}`).pluck().get(...where.params) as number;
      const rows = this.db
        .prepare(`SELECT q.* FROM questions q ${where.sql} ORDER BY q.created_at DESC, q.rowid DESC LIMIT ? OFFSET ?`)
        .all(...where.params, Math.max(0, page.limit), Math.max(0, page.offset)) as Row[];
      return { items: rows.map(toQuestion), total };
    });
    return read();
  }

  /**
   * Sets the curation state of every given trajectory and logs who did it. `editedAnswer`
   * undefined keeps a trajectory's earlier edit, null clears it. All or nothing.
   */
  async curate(trajectoryIds: string[], state: CurationState, by: string, editedAnswer?: string | null): Promise<void> {
    const at = this.stamp();
    const update = this.db.prepare(
      `UPDATE trajectories SET curation = ?, edited_answer = CASE WHEN ? THEN ? ELSE edited_answer END, curated_by = ?, curated_at = ?
       WHERE id = ? RETURNING edited_answer`,
    );
    const log = this.db.prepare('INSERT INTO curation_log (trajectory_id, state, edited_answer, by, at) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const id of trajectoryIds) {
        const row = update.get(state, editedAnswer !== undefined ? 1 : 0, editedAnswer ?? null, by, at, id) as Row | undefined;
        if (!row) throw new UnknownRecordError(`no trajectory with id ${id}`);
        log.run(id, state, row.edited_answer ?? null, by, at);
      }
    })();
  }

  async listTrajectories(filter: TrajectoryFilter): Promise<TrajectoryRecord[]> {
    const where = trajectoryWhere(filter);
    const rows = this.db.prepare(`SELECT * FROM trajectories ${where.sql} ORDER BY created_at, rowid`).all(...where.params) as Row[];
    return rows.map(toTrajectory);
  }

  async upsertModelVersion(v: ModelVersionRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO model_versions (version, base_model, adapter_path, dataset_hash, eval_report, status, created_at, promoted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (version) DO UPDATE SET base_model = excluded.base_model, adapter_path = excluded.adapter_path,
           dataset_hash = excluded.dataset_hash, eval_report = excluded.eval_report, status = excluded.status,
           created_at = excluded.created_at, promoted_at = excluded.promoted_at`,
      )
      .run(v.version, v.baseModel, v.adapterPath, v.datasetHash, JSON.stringify(v.evalReport ?? null), v.status, v.createdAt, v.promotedAt);
  }

  async listModelVersions(): Promise<ModelVersionRecord[]> {
    const rows = this.db.prepare('SELECT * FROM model_versions ORDER BY created_at, version').all() as Row[];
    return rows.map(toModelVersion);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
