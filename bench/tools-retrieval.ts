// Retrieval bench: ingest the 8,988-passage wiki set into a fresh collection, then time 200 top-3
// searches (the HotpotQA and MuSiQue questions), split into query embedding and Chroma time.
// Prints numbers only; no assertions.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, repoRoot } from '../config/index.ts';
import { disposeModels } from '../engine/index.ts';
import { openRetriever } from '../retrieval/index.ts';
import { percentile } from '../admin/index.ts';

const shared = process.env.UNDERSTUDY_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');
const wiki = path.join(shared, 'wiki');
const questions = ['hotpotqa_questions.jsonl', 'musique_questions.jsonl'].flatMap((f) =>
  readFileSync(path.join(wiki, f), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { question: string; supporting_titles: string[] }),
);

const pct = (xs: number[], p: number) => percentile(xs, p)!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-bench-'));
const config = loadConfig({ overrides: { dataDir, 'chroma.collection': `wiki-bench-${process.pid}` } });
console.log(`retrieval bench: ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const retriever = await openRetriever(config);
try {
  let last = 0;
  const s = await retriever.ingest([path.join(wiki, 'passages.jsonl')], {
    onProgress: (done, total) => {
      if (done - last >= 1000 || done === total) {
        console.error(`  embedded ${done}/${total} chunks`);
        last = done;
      }
    },
  });
  console.log(`ingest: ${s.added} passages (${s.chunks} chunks) in ${s.seconds.toFixed(1)} s = ${(s.added / s.seconds).toFixed(1)} passages/s, ${(s.chunks / s.seconds).toFixed(1)} chunks/s; ${s.skipped.length} skipped`);

  for (const q of questions.slice(0, 5)) await retriever.search(q.question, 3); // warm-up
  const total: number[] = [];
  const embed: number[] = [];
  const chroma: number[] = [];
  let hits = 0;
  for (const q of questions) {
    const t = performance.now();
    const r = await retriever.searchTimed(q.question, 3);
    total.push(performance.now() - t);
    embed.push(r.embedMs);
    chroma.push(r.chromaMs);
    if (r.passages.some((p) => q.supporting_titles.includes(p.title))) hits++;
  }
  console.log(`search top-3, ${questions.length} queries: p50 ${ms(pct(total, 50))}, p95 ${ms(pct(total, 95))} (goal p50 <= 15 ms)`);
  console.log(`  query embedding: p50 ${ms(pct(embed, 50))}, p95 ${ms(pct(embed, 95))}`);
  console.log(`  chroma query:    p50 ${ms(pct(chroma, 50))}, p95 ${ms(pct(chroma, 95))}`);
  console.log(`  a supporting passage in the top 3: ${hits}/${questions.length} = ${(hits / questions.length).toFixed(2)}`);
} finally {
  await retriever.close();
  await disposeModels();
  rmSync(dataDir, { recursive: true, force: true });
}
