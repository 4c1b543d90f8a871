import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { StoreConnectError, StoreUrlError, UnknownRecordError } from './errors.ts';
import { numbered, trajectoryWhere, whereFor } from './filters.ts';
import { migratePostgres } from './migrations/postgres.ts';
import { toCurationEvent, toFeedback, toModelVersion, toQuestion, toTrajectory, type Row } from './rows.ts';
import type {
  CurationState, LogStore, ModelVersionRecord, NewFeedback, NewQuestion, NewTrajectory, Page,
  QuestionDetail, QuestionFilter, QuestionOutcome, QuestionRecord, StoreOptions, TrajectoryFilter, TrajectoryRecord,
} from './types.ts';

export interface PostgresOptions extends StoreOptions {
  /** Connections in the pool. */
  max?: number;
  /** How long opening a connection may take before the store reports the server unreachable. */
  connectTimeoutMs?: number;
}

/** JSON columns come back as text, as from SQLite, so that rows.ts parses both alike. */
const JSON_OID = 114;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === JSON_OID ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Everything but the insertion key and the search vector. */
const QUESTION_COLUMNS = ['id', 'text', 'surface', '"user"', 'channel', 'created_at', 'attempts', 'status', 'route', 'reason', 'answer',
  'abstained', 'unverified', 'sources', 'latency_ms', 'error'].map((c) => `q.${c}`).join(', ');

function parseUrl(url: string): URL {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    // The URL itself is not echoed: it may carry a password.
  }
  if (!u || !/^postgres(ql)?:$/.test(u.protocol)) {
    throw new StoreUrlError('store.url is not a valid PostgreSQL URL; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE');
  }
  return u;
}

/** The log store in a PostgreSQL database, shared by any number of processes. */
export class PostgresLogStore implements LogStore {
  private constructor(readonly pool: pg.Pool, readonly schemaVersion: number, private readonly now: () => Date) {}

  /** Connects, then migrates the database to this understudy's schema (see migrations/). */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresLogStore> {
    const u = parseUrl(url);
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000, types });
    // An idle connection the server dropped is discarded by the pool; without a listener the process would die.
    pool.on('error', () => {});
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end();
      const password = decodeURIComponent(u.password);
      const reason = (e as Error).message || String((e as { code?: string }).code ?? e);
      const where = `${u.hostname || 'localhost'}:${u.port || 5432}${u.pathname}`;
      throw new StoreConnectError(`store.url: cannot connect to PostgreSQL at ${where}: ${password ? reason.replaceAll(password, '***') : reason}`);
    }
    try {
      return new PostgresLogStore(pool, await migratePostgres(pool), options.now ?? (() => new Date()));
    } catch (e) {
      await pool.end();
      throw e;
    }
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private async transaction<T>(begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined); // a broken connection has nothing to roll back
      throw e;
    } finally {
      client.release();
    }
  }

  async createQuestion(q: NewQuestion): Promise<string> {
    const id = q.id ?? randomUUID();
    await this.pool.query(
      `INSERT INTO questions (id, text, surface, "user", channel, created_at, status) VALUES ($1, $2, $3, $4, $5, $6, 'pending')
       ON CONFLICT (id) DO UPDATE SET attempts = questions.attempts + 1`,
      [id, q.text, q.surface, q.user ?? null, q.channel ?? null, this.stamp()],
    );
    return id;
  }

  async finishQuestion(id: string, o: QuestionOutcome): Promise<void> {
    const res = await this.pool.query(
      `UPDATE questions SET status = $1, route = $2, reason = $3, answer = $4, abstained = $5, unverified = $6, sources = $7, latency_ms = $8, error = $9
       WHERE id = $10`,
      [o.status, o.route, o.reason, o.answer, o.abstained, o.unverified, JSON.stringify(o.sources), o.latencyMs, o.error, id],
    );
    if (res.rowCount === 0) throw new UnknownRecordError(`no question with id ${id}`);
  }

  async addTrajectory(t: NewTrajectory): Promise<string> {
    const id = randomUUID();
    await this.pool.query(
      `INSERT INTO trajectories (id, question_id, role, model, adapter, first_thought, steps, final_answer, outcome,
         latency_ms, prompt_tokens, completion_tokens, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [id, t.questionId, t.role, t.model, t.adapter, t.firstThought, JSON.stringify(t.steps), t.finalAnswer, t.outcome,
        t.latencyMs, t.promptTokens, t.completionTokens, this.stamp()],
    );
    return id;
  }

  async addFeedback(f: NewFeedback): Promise<string> {
    const id = f.id ?? randomUUID();
    await this.pool.query(
      'INSERT INTO feedback (id, question_id, trajectory_id, "user", value, surface, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING',
      [id, f.questionId, f.trajectoryId, f.user, f.value, f.surface, this.stamp()],
    );
    return id;
  }

  async getQuestion(id: string): Promise<QuestionDetail | undefined> {
    const [q, trajectories, feedback, log] = await Promise.all([
      this.pool.query(`SELECT ${QUESTION_COLUMNS} FROM questions q WHERE q.id = $1`, [id]),
      this.pool.query('SELECT * FROM trajectories WHERE question_id = $1 ORDER BY created_at, seq', [id]),
      this.pool.query('SELECT * FROM feedback WHERE question_id = $1 ORDER BY created_at, seq', [id]),
      this.pool.query(
        `SELECT c.* FROM curation_log c JOIN trajectories t ON t.id = c.trajectory_id
         WHERE t.question_id = $1 ORDER BY c.id`,
        [id],
      ),
    ]);
    if (q.rows.length === 0) return undefined;
    return {
      question: toQuestion(q.rows[0] as Row),
      trajectories: trajectories.rows.map(toTrajectory),
      feedback: feedback.rows.map(toFeedback),
      curationLog: log.rows.map(toCurationEvent),
    };
  }

  async listQuestions(filter: QuestionFilter, page: { offset: number; limit: number }): Promise<Page<QuestionRecord>> {
    const where = whereFor(filter, 'postgres');
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
      const total = Number((await c.query(numbered(`SELECT count(*) AS n FROM questions q ${where.sql}`), where.params)).rows[0].n);
      const rows = await c.query(
        numbered(`SELECT ${QUESTION_COLUMNS} FROM questions q ${where.sql} ORDER BY q.created_at DESC, q.seq DESC LIMIT ? OFFSET ?`),
        [...where.params, Math.max(0, page.limit), Math.max(0, page.offset)],
      );
      return { items: rows.rows.map(toQuestion), total };
    });
  }

  /**
   * Sets the curation state of every given trajectory and logs who did it. `editedAnswer`
   * undefined keeps a trajectory's earlier edit, null clears it. All or nothing.
   */
  async curate(trajectoryIds: string[], state: CurationState, by: string, editedAnswer?: string | null): Promise<void> {
    const at = this.stamp();
    await this.transaction('BEGIN', async (c) => {
      for (const id of trajectoryIds) {
        const res = await c.query(
          `UPDATE trajectories SET curation = $1, edited_answer = CASE WHEN $2 THEN $3 ELSE edited_answer END, curated_by = $4, curated_at = $5
           WHERE id = $6 RETURNING edited_answer`,
          [state, editedAnswer !== undefined, editedAnswer ?? null, by, at, id],
        );
        if (res.rows.length === 0) throw new UnknownRecordError(`no trajectory with id ${id}`);
        await c.query('INSERT INTO curation_log (trajectory_id, state, edited_answer, by, at) VALUES ($1, $2, $3, $4, $5)',
          [id, state, res.rows[0].edited_answer ?? null, by, at]);
      }
    });
  }

  async listTrajectories(filter: TrajectoryFilter): Promise<TrajectoryRecord[]> {
    const where = trajectoryWhere(filter);
    const res = await this.pool.query(numbered(`SELECT * FROM trajectories ${where.sql} ORDER BY created_at, seq`), where.params);
    return res.rows.map(toTrajectory);
  }

  async upsertModelVersion(v: ModelVersionRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO model_versions (version, base_model, adapter_path, dataset_hash, eval_report, status, created_at, promoted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (version) DO UPDATE SET base_model = excluded.base_model, adapter_path = excluded.adapter_path,
         dataset_hash = excluded.dataset_hash, eval_report = excluded.eval_report, status = excluded.status,
         created_at = excluded.created_at, promoted_at = excluded.promoted_at`,
      [v.version, v.baseModel, v.adapterPath, v.datasetHash, JSON.stringify(v.evalReport ?? null), v.status, v.createdAt, v.promotedAt],
    );
  }

  async listModelVersions(): Promise<ModelVersionRecord[]> {
    const res = await this.pool.query('SELECT * FROM model_versions ORDER BY created_at, version');
    return res.rows.map(toModelVersion);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
