import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ChromaClient } from 'chromadb';
import { venvPython } from '../../config/index.ts';
import { disposeModels } from '../../engine/index.ts';
import { openRetriever } from '../../retrieval/index.ts';
import { tempDir, testConfig } from './helpers.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

const dir = tempDir('chroma-url');
let server: ChildProcess;
let port: number;

/** An already-running server, as a user would have it, started outside the code under test. */
before(async () => {
  port = await freePort();
  const bin = path.join(path.dirname(venvPython(testConfig())), 'chroma');
  server = spawn(bin, ['run', '--path', path.join(dir, 'external'), '--host', '127.0.0.1', '--port', String(port)], { stdio: 'ignore' });
  const client = new ChromaClient({ host: '127.0.0.1', port });
  for (let i = 0; ; i++) {
    try {
      await client.heartbeat();
      break;
    } catch (e) {
      if (i > 600) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  writeFileSync(path.join(dir, 'faq.md'), '# FAQ\n\n## Parking\n\nVisitors park in the blue garage on level 3.\n');
});

after(async () => {
  server.kill('SIGTERM');
  await once(server, 'exit');
  await disposeModels();
  rmSync(dir, { recursive: true, force: true });
});

test('with CHROMA_URL the retriever uses that server and leaves it running on close', async () => {
  const retriever = await openRetriever(testConfig({ 'chroma.collection': 'external-faq' }, { CHROMA_URL: `http://127.0.0.1:${port}` }));
  try {
    const s = await retriever.ingest([path.join(dir, 'faq.md')]);
    assert.equal(s.added, 1);
    const [top] = await retriever.search('where do visitors park?', 1);
    assert.equal(top?.source, 'faq.md');
  } finally {
    await retriever.close();
  }
  const client = new ChromaClient({ host: '127.0.0.1', port });
  await client.heartbeat();
  const coll = await client.getCollection({ name: 'external-faq' });
  assert.equal(await coll.count(), 1);
  assert.equal(coll.configuration.hnsw?.space, 'cosine');
});

/** Command lines of running Chroma servers that keep their data under `dataDir`. */
const serversFor = (dataDir: string) =>
  execFileSync('ps', ['-eo', 'args'])
    .toString()
    .split('\n')
    .filter((l) => l.includes('chroma') && l.includes(path.join(dataDir, 'chroma')));

test('without a url a local server starts on another port when the configured one is taken, and stops on close', async () => {
  const config = testConfig({ 'chroma.port': port, 'chroma.collection': 'local-faq' });
  const retriever = await openRetriever(config);
  try {
    await retriever.ingest([path.join(dir, 'faq.md')]);
    const running = serversFor(config.dataDir);
    assert.equal(running.length, 1);
    assert.doesNotMatch(running[0]!, new RegExp(`--port ${port}\\b`));
    await assert.rejects(new ChromaClient({ host: '127.0.0.1', port }).getCollection({ name: 'local-faq' }), 'the data went to the external server');
  } finally {
    await retriever.close();
  }
  assert.deepEqual(serversFor(config.dataDir), []);
});

test('a second process on the same data dir is told to share the running server', async () => {
  const config = testConfig({ 'chroma.collection': 'local-faq' });
  const first = await openRetriever(config);
  try {
    await assert.rejects(openRetriever(config), /another local Chroma server \(pid \d+\) already serves .* Share it with CHROMA_URL=http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    await first.close();
  }
  const again = await openRetriever(config);
  await again.close();
});

test('an unreachable chroma.url fails with a clear message', async () => {
  const dead = await freePort();
  await assert.rejects(openRetriever(testConfig({ 'chroma.url': `http://127.0.0.1:${dead}` })), /cannot reach the Chroma server at http:\/\/127\.0\.0\.1:\d+/);
});
