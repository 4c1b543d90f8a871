import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkDocument } from '../../retrieval/chunk.ts';
import { formatPassages, type Passage } from '../../retrieval/index.ts';

const passages: Passage[] = [
  { title: 'Benefits & Perks', headingPath: 'Benefits & Perks > Paid Time Off > Sabbatical', source: 'handbook/benefits-and-perks.md', chunkId: 'ab:10', text: 'Every three years, a 6-week paid sabbatical.', score: 0.7234 },
  { title: 'Okapi', source: 'passages.jsonl#p1', chunkId: 'cd:0', text: 'The okapi is a giraffid.', score: 0.41 },
];

test('formatPassages follows the reference retriever: header, numbered blocks with similarity, quoted title, text', () => {
  assert.equal(
    formatPassages(passages),
    'Retrieved documents:\n\n' +
      '===== Document 0, similarity: 0.72 =====\n' +
      '"Benefits & Perks > Paid Time Off > Sabbatical" (source: handbook/benefits-and-perks.md)\n' +
      'Every three years, a 6-week paid sabbatical.\n\n' +
      '===== Document 1, similarity: 0.41 =====\n' +
      '"Okapi" (source: passages.jsonl#p1)\n' +
      'The okapi is a giraffid.',
  );
  assert.match(formatPassages([]), /^Retrieved documents: none/);
});

test('Markdown chunks carry their heading path, code fences do not open headings', async () => {
  const text = '# Handbook\n\nIntro.\n\n## Leave\n\n### Vacation\n\n20 days.\n\n```sh\n# not a heading\n```\n\n## Pay\n\nMonthly.\n';
  const chunks = await chunkDocument({ key: 'k', file: 'f', source: 'h.md', title: 'Handbook', text, markdown: true });
  assert.deepEqual(
    chunks.map((c) => c.headingPath),
    ['Handbook', 'Handbook > Leave > Vacation', 'Handbook > Pay'],
  );
  assert.match(chunks[1]!.text, /# not a heading/);
  const untitled = await chunkDocument({ key: 'k', file: 'f', source: 'notes.md', title: 'notes', text: '## Todo\n\nShip it.', markdown: true });
  assert.equal(untitled[0]?.headingPath, 'notes > Todo');
});
