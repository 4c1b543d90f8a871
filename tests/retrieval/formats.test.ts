import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever, type IngestSummary, type Retriever } from '../../retrieval/index.ts';
import { tempDir, testConfig } from './helpers.ts';

/** A one-page PDF with real xref offsets, written by hand: one text line per entry of `lines`. */
function minimalPdf(title: string, lines: string[]): Buffer {
  const text = lines.map((l, i) => `BT /F1 12 Tf 72 ${720 - i * 16} Td (${l}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Title (${title}) >>`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const root = tempDir('formats');
const docs = path.join(root, 'docs');
const jsonl = (rows: string[]) => writeFileSync(path.join(docs, 'passages.jsonl'), rows.join('\n') + '\n');
const okapi = JSON.stringify({ id: 'p1', title: 'Okapi', text: 'The okapi is a giraffid mammal native to the Ituri rainforest of the Congo.' });
const lighthouse = JSON.stringify({ id: 'p2', title: 'Lighthouse', text: 'The Bell Rock Lighthouse off Angus, Scotland, is the oldest surviving sea-washed lighthouse.' });

let retriever: Retriever;
let first: IngestSummary;

before(async () => {
  mkdirSync(docs);
  writeFileSync(path.join(docs, 'notes.md'), '# Team Notes\n\n## Deploys\n\nWe deploy on Tuesdays after the standup.\n');
  writeFileSync(
    path.join(docs, 'page.html'),
    '<html><head><title>Garden &amp; Grounds</title><style>p{color:red}</style></head><body><nav>Home | About</nav>' +
      '<h1>Garden Guide</h1><h2>Composting</h2><p>Our compost heap is turned every <b>second Friday</b> by the facilities team.</p>' +
      '<script>alert(1)</script></body></html>',
  );
  writeFileSync(path.join(docs, 'report.pdf'), minimalPdf('Quarterly Llama Report', ['The llama wool harvest reached 42 tonnes this quarter.', 'Shearing starts in May.']));
  writeFileSync(path.join(docs, 'blob.txt'), Buffer.concat([Buffer.from('PK\x03\x04\x00\x00'), randomBytes(2048)]));
  writeFileSync(path.join(docs, 'empty.md'), '');
  writeFileSync(path.join(docs, 'huge.txt'), 'all work and no play makes jack a dull boy\n'.repeat(3000));
  writeFileSync(path.join(docs, 'photo.png'), randomBytes(64));
  writeFileSync(path.join(docs, 'fake.pdf'), 'this is not a pdf');
  symlinkSync(path.join(root, 'nowhere.md'), path.join(docs, 'dangling.md'));
  jsonl([okapi, '{"id": "p9", "title": "Broken", "text": ', JSON.stringify({ id: 'p3', title: 'No text' }), lighthouse]);

  retriever = await openRetriever(testConfig({ 'chroma.maxFileMb': 0.1, 'chroma.collection': 'formats' }));
  first = await retriever.ingest([docs]);
});

after(async () => {
  await retriever?.close();
  await disposeModels();
  rmSync(root, { recursive: true, force: true });
});

test('bad files are skipped with a reason and the rest ingests', () => {
  const reasons = Object.fromEntries(first.skipped.map((s) => [s.path, s.reason]));
  assert.match(reasons['docs/blob.txt'] ?? '', /binary/);
  assert.match(reasons['docs/empty.md'] ?? '', /empty/);
  assert.match(reasons['docs/huge.txt'] ?? '', /too large/);
  assert.match(reasons['docs/photo.png'] ?? '', /unsupported file type \(\.png\)/);
  assert.match(reasons['docs/fake.pdf'] ?? '', /not a PDF/);
  assert.match(reasons['docs/dangling.md'] ?? '', /unreadable \(ENOENT\)/);
  assert.match(reasons['docs/passages.jsonl:2'] ?? '', /malformed JSON/);
  assert.match(reasons['docs/passages.jsonl:3'] ?? '', /non-empty "text"/);
  assert.equal(first.skipped.length, 8);
  // notes.md, page.html, report.pdf and two JSONL passages.
  assert.equal(first.added, 5);
});

test('HTML: text without markup, title from the first H1, heading path from h1/h2', async () => {
  const [top] = await retriever.search('how often is the compost heap turned?', 1);
  assert.equal(top?.source, 'docs/page.html');
  assert.equal(top?.title, 'Garden Guide');
  assert.equal(top?.headingPath, 'Garden Guide > Composting');
  assert.match(top!.text, /turned every second Friday/);
  assert.doesNotMatch(top!.text, /<|alert|color:red|Home \| About/);
});

test('PDF: page text and the Title from its metadata', async () => {
  const [top] = await retriever.search('llama wool harvest tonnage', 1);
  assert.equal(top?.source, 'docs/report.pdf');
  assert.equal(top?.title, 'Quarterly Llama Report');
  assert.match(top!.text, /42 tonnes/);
  assert.match(top!.text, /Shearing starts in May/);
});

test('JSONL: each line is a document; a line removed from the file is deleted', async () => {
  const [top] = await retriever.search('oldest sea-washed lighthouse in Scotland', 1);
  assert.equal(top?.source, 'docs/passages.jsonl#p2');
  assert.equal(top?.title, 'Lighthouse');

  jsonl([okapi]);
  const s = await retriever.ingest([docs]);
  assert.equal(s.deleted, 1);
  assert.equal(s.added + s.updated, 0);
  const hits = await retriever.search('oldest sea-washed lighthouse in Scotland', 5);
  assert.ok(hits.every((h) => h.source !== 'docs/passages.jsonl#p2'));
});

test('a missing path is an error, not a skip', async () => {
  await assert.rejects(retriever.ingest([path.join(root, 'no-such-dir')]), /no such file or directory/);
});
