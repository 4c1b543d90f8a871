// The replay check behind fork(): a replayed action must repeat the live one exactly (security.md,
// forks), so every way of departing from the recording is named instead of passing silently.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { digestOf, Playback, type JournalEntry } from '../../sandbox/journal.ts';
import type { ActionResult } from '../../sandbox/index.ts';

const result: ActionResult = { output: 'passage\n', value: '1', finalAnswer: null, error: null, durationMs: 3, toolCalls: [] };
const entry: JournalEntry = {
  code: 'search("q", 1)\ntry { search("p") } catch {}',
  now: 0,
  calls: [{ name: 'search', json: '["q",1]', result: '["passage"]' }, { name: 'search', json: '["p"]', error: 'index offline' }],
  digest: digestOf('ran', result),
};

describe('journal playback', () => {
  test('a faithful replay gets the recorded answers and errors, and no divergence', async () => {
    const p = new Playback(entry);
    assert.equal(await p.onTool('search', '["q",1]'), '["passage"]');
    await assert.rejects(p.onTool('search', '["p"]'), /index offline/);
    assert.equal(p.divergence(digestOf('ran', { ...result, durationMs: 99 })), null);
  });

  test('other arguments for the same tool', async () => {
    const p = new Playback(entry);
    await assert.rejects(p.onTool('search', '["q",2]'));
    assert.match(p.divergence(entry.digest) ?? '', /called search\(\["q",2\]\) where the live action called search\(\["q",1\]\)/);
  });

  test('another tool', async () => {
    const p = new Playback(entry);
    await assert.rejects(p.onTool('lookup', '["q",1]'));
    assert.match(p.divergence(entry.digest) ?? '', /called lookup/);
  });

  test('a call the live action did not make', async () => {
    const p = new Playback(entry);
    await p.onTool('search', '["q",1]');
    await p.onTool('search', '["p"]').catch(() => undefined);
    await assert.rejects(p.onTool('search', '["again"]'));
    assert.match(p.divergence(entry.digest) ?? '', /made no further tool call/);
  });

  test('fewer calls than the live action', async () => {
    const p = new Playback(entry);
    await p.onTool('search', '["q",1]');
    assert.match(p.divergence(entry.digest) ?? '', /made 1 of the live action's 2 tool calls/);
  });

  test('the same calls but another result', async () => {
    const p = new Playback(entry);
    await p.onTool('search', '["q",1]');
    await p.onTool('search', '["p"]').catch(() => undefined);
    assert.match(p.divergence(digestOf('ran', { ...result, value: '2' })) ?? '', /ended with .*"2".* where the live action ended with .*"1"/);
    assert.match(p.divergence(digestOf('waiting', result)) ?? '', /ended with \["waiting"/);
  });
});
