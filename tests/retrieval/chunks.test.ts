import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever, type Retriever } from '../../retrieval/index.ts';
import { tempDir, testConfig } from './helpers.ts';

const docs = path.join(tempDir('chunks'), 'docs');
let retriever: Retriever;

before(async () => {
  mkdirSync(docs, { recursive: true });
  for (const n of [1, 2, 3]) writeFileSync(path.join(docs, `doc${n}.md`), `# Doc ${n}\n\n## Part\n\nThe number of doc ${n} is ${n * 11}.\n`);
  retriever = await openRetriever(testConfig());
  await retriever.ingest([docs], { collection: 'listing' });
});

after(async () => {
  await retriever?.close();
  await disposeModels();
  rmSync(path.dirname(docs), { recursive: true, force: true });
});

test('chunks: pages through a collection with ids, sources, titles, heading paths and text', async () => {
  const all = await retriever.chunks('listing', { limit: 100 });
  assert.equal(all.length, 3);
  assert.deepEqual(all.map((c) => c.source).sort(), ['docs/doc1.md', 'docs/doc2.md', 'docs/doc3.md']);
  const c = all.find((x) => x.source === 'docs/doc2.md')!;
  assert.equal(c.title, 'Doc 2');
  assert.equal(c.headingPath, 'Doc 2 > Part');
  assert.match(c.text, /The number of doc 2 is 22\./);
  const [hit] = await retriever.search('the number of doc 2', 1, 'listing');
  assert.equal(hit!.chunkId, c.chunkId, 'the same ids search returns');
  const pages = [...(await retriever.chunks('listing', { limit: 2 })), ...(await retriever.chunks('listing', { limit: 2, offset: 2 }))];
  assert.deepEqual(pages.map((p) => p.chunkId).sort(), all.map((p) => p.chunkId).sort());
});

test('chunks: an unknown collection is an error that says how to fill it', async () => {
  await assert.rejects(retriever.chunks('no-such-collection', { limit: 10 }), /collection "no-such-collection" does not exist; ingest documents into it first/);
});
