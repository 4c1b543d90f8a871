import assert from 'node:assert/strict';
import { appendFileSync, cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever, type Retriever } from '../../retrieval/index.ts';
import { sharedData, tempDir, testConfig } from './helpers.ts';

// A copy of the handbook, so the test can edit and delete files.
const handbook = path.join(tempDir('kb'), 'handbook');
cpSync(path.join(sharedData, 'kb', 'handbook'), handbook, { recursive: true });

let retriever: Retriever;

before(async () => {
  retriever = await openRetriever(testConfig());
});

after(async () => {
  await retriever?.close();
  await disposeModels();
  rmSync(path.dirname(handbook), { recursive: true, force: true });
});

test('ingests the 16-file handbook and finds an answer in the right file', async () => {
  const s = await retriever.ingest([handbook]);
  assert.equal(s.added, 16);
  assert.deepEqual(s.skipped, []);
  assert.ok(s.chunks >= 16);

  const hits = await retriever.search('How much of the medical insurance premium does the company pay?', 3);
  assert.equal(hits.length, 3);
  assert.ok(hits.some((h) => h.source === 'handbook/benefits-and-perks.md'), JSON.stringify(hits.map((h) => h.source)));
  const top = hits[0]!;
  assert.equal(top.title, 'Benefits & Perks');
  assert.match(top.headingPath ?? '', /^Benefits & Perks > /);
  assert.ok(top.score > 0 && top.score <= 1);
  assert.match(top.chunkId, /^[0-9a-f]{16}:\d+$/);

  const side = await retriever.search('Am I allowed to have a side business or a second job?', 3);
  assert.ok(side.some((h) => h.source === 'handbook/moonlighting.md'), JSON.stringify(side.map((h) => h.source)));
});

test('re-ingesting unchanged files embeds nothing', async () => {
  const s = await retriever.ingest([handbook]);
  assert.deepEqual({ ...s, seconds: 0 }, { added: 0, updated: 0, unchanged: 16, deleted: 0, skipped: [], chunks: 0, seconds: 0 });
});

test('a modified file is re-embedded alone and its new text is searchable', async () => {
  appendFileSync(path.join(handbook, 'severance.md'), '\n\n## Zebra Stipend\n\nEveryone leaving the company receives a ceremonial zebra plushie.\n');
  const s = await retriever.ingest([handbook]);
  assert.equal(s.updated, 1);
  assert.equal(s.unchanged, 15);
  assert.equal(s.added + s.deleted, 0);
  const [top] = await retriever.search('ceremonial zebra plushie for leavers', 1);
  assert.equal(top?.source, 'handbook/severance.md');
  assert.match(top?.headingPath ?? '', /> Zebra Stipend$/);
});

test('a deleted file loses its chunks', async () => {
  rmSync(path.join(handbook, 'moonlighting.md'));
  const s = await retriever.ingest([handbook]);
  assert.equal(s.deleted, 1);
  assert.equal(s.unchanged, 15);
  const hits = await retriever.search('Am I allowed to have a side business or a second job?', 10);
  assert.ok(hits.every((h) => h.source !== 'handbook/moonlighting.md'));
});
