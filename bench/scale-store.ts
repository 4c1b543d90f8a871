// The log store at scale: N questions (default 100k, each answered, every 10th with a teacher
// trajectory, every 7th with feedback) written through the LogStore interface into SQLite and
// into PostgreSQL, then the admin list's reads: the first page newest first, a filtered page and
// full-text searches. Prints one table with Postgres/SQLite ratios, all measured in this run.
//   npm run bench:scale:store [-- --questions N] [-- --postgres postgres://…] [-- --writers K]
// Without --postgres it starts a throwaway server (tests/services.ts) with SQLite's durability:
// WAL fsynced, commits not waited for (SQLite: WAL with synchronous=NORMAL).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, seededRandom } from '../admin/index.ts';
import { PostgresLogStore, SqliteLogStore, type LogStore, type QuestionFilter, type Surface } from '../store/index.ts';
import { startPostgres } from '../tests/services.ts';

const { values: args } = parseArgs({ options: { questions: { type: 'string', default: '100000' }, postgres: { type: 'string' }, writers: { type: 'string', default: '8' } } });
const N = Number(args.questions);
const WRITERS = Number(args.writers);

// A 2,000-word vocabulary drawn Zipf-like, so that some words are in most questions and most words in few.
const VOCAB = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}${'nrstl'[(i >> 3) % 5]}`);
const SURFACES: Surface[] = ['slack', 'slack', 'discord', 'console', 'cli'];
function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => VOCAB[Math.floor(VOCAB.length * random() ** 3)]!).join(' ');
}

/** Every write the store makes for question i; the clock moves 30 s a question. */
async function writeQuestion(store: LogStore, i: number): Promise<void> {
  const random = seededRandom(i + 1);
  const surface = SURFACES[i % SURFACES.length]!;
  const teacher = i % 10 === 0;
  const id = await store.createQuestion({ text: `${sentence(random, 10)}?`, surface, user: `u${i % 50}`, channel: surface === 'slack' ? `C${i % 7}` : null });
  const answer = sentence(random, 25);
  if (teacher) {
    await store.addTrajectory({
      questionId: id, role: 'teacher', model: 'teacher-1.5b', adapter: null, firstThought: null, finalAnswer: answer, outcome: 'final',
      steps: [{ index: 0, thought: sentence(random, 12), code: `final_answer(${JSON.stringify(answer)});`, observation: '', error: null, latencyMs: 900, promptTokens: 400, completionTokens: 60 }],
      latencyMs: 900, promptTokens: 400, completionTokens: 60,
    });
  }
  await store.finishQuestion(id, {
    status: 'answered', route: teacher ? 'teacher' : 'student', reason: teacher ? 'low_agreement' : 'confident', answer, abstained: false,
    unverified: false, sources: [{ title: 'Handbook', source: 'handbook/x.md', score: 0.8 }], latencyMs: 1200, error: null,
  });
  if (i % 7 === 0) await store.addFeedback({ questionId: id, trajectoryId: null, user: `u${i % 50}`, value: i % 3 ? 'up' : 'down', surface });
}

function ticking(): () => Date {
  let t = Date.parse('2026-01-01T00:00:00.000Z');
  return () => new Date((t += 30_000));
}

const p50 = (xs: number[]) => percentile(xs, 50)!;
async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}
async function medianOf(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work(); // warm
  const times = [];
  for (let r = 0; r < runs; r++) times.push(await timeMs(work));
  return p50(times);
}

const FILTERED: QuestionFilter = { surface: 'slack', route: 'teacher', feedback: 'down' };
// Words from the most common to the rare, and a two-word query.
const SEARCHES = [VOCAB[0]!, VOCAB[3]!, VOCAB[20]!, VOCAB[150]!, VOCAB[900]!, VOCAB[1900]!, `${VOCAB[5]} ${VOCAB[40]}`];

interface Result { insertPerS: number; firstPageMs: number; filteredMs: number; ftsMs: number; ftsHits: number[] }

async function measure(store: LogStore, writers: number, analyze: () => Promise<unknown>): Promise<Result> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: writers }, async () => {
    for (let i = next++; i < N; i = next++) await writeQuestion(store, i);
  }));
  const insertPerS = N / ((performance.now() - t0) / 1000);
  await analyze();
  const page = { offset: 0, limit: 25 };
  const firstPageMs = await medianOf(15, () => store.listQuestions({}, page));
  const filteredMs = await medianOf(15, () => store.listQuestions(FILTERED, page));
  const ftsHits = [];
  const ftsTimes = [];
  for (const text of SEARCHES) {
    ftsHits.push((await store.listQuestions({ text }, page)).total);
    ftsTimes.push(await medianOf(3, () => store.listQuestions({ text }, page)));
  }
  return { insertPerS, firstPageMs, filteredMs, ftsMs: p50(ftsTimes), ftsHits };
}

const dir = mkdtempSync(path.join(tmpdir(), 'understudy-bench-store-'));
const sqlite = new SqliteLogStore(path.join(dir, 'understudy.db'), { now: ticking() });
const server = args.postgres ? undefined : await startPostgres({ fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off' });
try {
  const postgres = await PostgresLogStore.open(args.postgres ?? server!.url, { now: ticking(), max: WRITERS });
  const versions = {
    sqlite: sqlite.db.prepare('SELECT sqlite_version()').pluck().get() as string,
    postgres: ((await postgres.pool.query('SHOW server_version')).rows[0].server_version as string).split(' ')[0]!,
  };
  console.log(`${N} questions; SQLite ${versions.sqlite} (WAL, synchronous=NORMAL), PostgreSQL ${versions.postgres} (${WRITERS} writers on a pool of ${WRITERS})`);
  const s = await measure(sqlite, 1, async () => sqlite.db.exec('ANALYZE'));
  console.log('SQLite done');
  const p = await measure(postgres, WRITERS, () => postgres.pool.query('VACUUM ANALYZE'));
  if (s.ftsHits.join() !== p.ftsHits.join()) throw new Error(`full-text totals differ: SQLite ${s.ftsHits} vs Postgres ${p.ftsHits}`);
  await postgres.close();

  const rows: [string, number, number][] = [
    ['insert, questions/s (each answered; 1 in 10 with a trajectory, 1 in 7 with feedback)', s.insertPerS, p.insertPerS],
    ['list, first page of 25 newest + total, ms p50', s.firstPageMs, p.firstPageMs],
    [`list, filtered page (${Object.entries(FILTERED).map(([k, v]) => `${k}=${v}`).join(' ')}), ms p50`, s.filteredMs, p.filteredMs],
    [`full-text page + total, ms p50 over ${SEARCHES.length} queries (${Math.min(...s.ftsHits)}–${Math.max(...s.ftsHits)} hits)`, s.ftsMs, p.ftsMs],
  ];
  console.log('\n| measure | SQLite | Postgres | Postgres / SQLite |\n|---|---|---|---|');
  for (const [name, a, b] of rows) console.log(`| ${name} | ${a.toFixed(a >= 100 ? 0 : 1)} | ${b.toFixed(b >= 100 ? 0 : 1)} | ${(b / a).toFixed(2)} |`);
} finally {
  await sqlite.close();
  await server?.stop();
}
