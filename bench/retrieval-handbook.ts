// Retrieval on the team's own documents: ingest the shared handbook into a fresh collection and
// search each answerable question of evals/handbook.jsonl by its own text, as the agent's search
// opening does. Prints, per split, how often a gold document is the top 1 / 3 / 5 result, and how
// often a top-k passage holds the answer itself (any accepted form, normalized). Numbers only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeAnswer } from '../answers/index.ts';
import { loadConfig, repoRoot } from '../config/index.ts';
import { disposeModels } from '../engine/index.ts';
import { openRetriever } from '../retrieval/index.ts';

interface Row {
  id: string;
  question: string;
  answer: string;
  answer_aliases: string[];
  sources: string[];
  split: string;
}

const shared = process.env.UNDERSTUDY_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');
const rows = readFileSync(path.join(repoRoot, 'evals', 'handbook.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Row)
  .filter((r) => r.sources.length > 0);
const KS = [1, 3, 5];

const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-bench-'));
const config = loadConfig({ overrides: { dataDir, 'chroma.collection': `handbook-bench-${process.pid}` } });
console.log(`handbook retrieval: ${availableParallelism()} cores, ${rows.length} answerable questions`);
const retriever = await openRetriever(config);
try {
  const s = await retriever.ingest([path.join(shared, 'kb', 'handbook')]);
  console.log(`ingest: ${s.added} documents, ${s.chunks} chunks in ${s.seconds.toFixed(1)} s`);
  const tally = new Map<string, { n: number; doc: number[]; answer: number[] }>();
  for (const r of rows) {
    const passages = await retriever.search(r.question, Math.max(...KS));
    const forms = [r.answer, ...r.answer_aliases].map(normalizeAnswer).filter(Boolean);
    for (const split of [r.split, 'all']) {
      const t = tally.get(split) ?? { n: 0, doc: KS.map(() => 0), answer: KS.map(() => 0) };
      t.n++;
      KS.forEach((k, i) => {
        const top = passages.slice(0, k);
        if (top.some((p) => r.sources.includes(path.basename(p.source)))) t.doc[i]!++;
        if (top.some((p) => forms.some((f) => normalizeAnswer(p.text).includes(f)))) t.answer[i]!++;
      });
      tally.set(split, t);
    }
  }
  const share = (x: number, n: number) => `${x}/${n} (${((100 * x) / n).toFixed(0)}%)`;
  for (const split of [...tally.keys()].sort((a, b) => Number(a === 'all') - Number(b === 'all') || a.localeCompare(b))) {
    const t = tally.get(split)!;
    console.log(`${split.padEnd(4)} gold document in top ${KS.map((k, i) => `${k}: ${share(t.doc[i]!, t.n)}`).join(', ')}`);
    console.log(`${''.padEnd(4)} answer in a top ${KS.map((k, i) => `${k} passage: ${share(t.answer[i]!, t.n)}`).join(', ')}`);
  }
} finally {
  await retriever.close();
  await disposeModels();
  rmSync(dataDir, { recursive: true, force: true });
}
