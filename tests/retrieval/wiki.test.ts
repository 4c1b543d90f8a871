import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever, type Retriever } from '../../retrieval/index.ts';
import { sharedData, tempDir, testConfig } from './helpers.ts';

// The passages file groups each question's paragraphs (supporting ones and distractors), so its
// first 200 lines hold the paragraphs of the first HotpotQA questions.
const dir = tempDir('wiki');
const subset = path.join(dir, 'wiki-200.jsonl');
const lines = readFileSync(path.join(sharedData, 'wiki', 'passages.jsonl'), 'utf8').split('\n').slice(0, 200);
writeFileSync(subset, lines.join('\n') + '\n');
const titles = new Set(lines.map((l) => (JSON.parse(l) as { title: string }).title));
const questions = readFileSync(path.join(sharedData, 'wiki', 'hotpotqa_questions.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { question: string; supporting_titles: string[] })
  .filter((q) => q.supporting_titles.every((t) => titles.has(t)));

let retriever: Retriever;

before(async () => {
  retriever = await openRetriever(testConfig({ 'chroma.collection': 'wiki' }));
});

after(async () => {
  await retriever?.close();
  await disposeModels();
  rmSync(dir, { recursive: true, force: true });
});

test('ingests 200 wiki passages, one document per line', async () => {
  const s = await retriever.ingest([subset]);
  assert.equal(s.added, 200);
  assert.deepEqual(s.skipped, []);
});

test('a known question finds its supporting passage in the top 3', async () => {
  const hits = await retriever.search('Who wrote a song after attending a luau in the Koolauloa District on the island of Oahu?', 3);
  assert.ok(hits.some((h) => h.title === 'The Hukilau Song' || h.title === 'Laie, Hawaii'), JSON.stringify(hits.map((h) => h.title)));
  assert.match(hits[0]!.source, /^wiki-200\.jsonl#p\d+$/);
});

test('most of the answerable HotpotQA questions retrieve a supporting passage in the top 3', async (t) => {
  assert.ok(questions.length >= 10, `only ${questions.length} questions have their paragraphs in the subset`);
  let found = 0;
  for (const q of questions) {
    const hits = await retriever.search(q.question, 3);
    if (hits.some((h) => q.supporting_titles.includes(h.title))) found++;
  }
  t.diagnostic(`${found}/${questions.length} questions`);
  assert.ok(found / questions.length >= 0.7, `${found}/${questions.length}`);
});
