import assert from 'node:assert/strict';
import { test } from 'node:test';
import { highlightJs } from '../../admin/highlight.ts';
import { html, jsonBlock } from '../../admin/html.ts';
import { dashboard, percentile } from '../../admin/stats.ts';
import { SqliteLogStore } from '../../store/index.ts';
import { answered, manualClock, trajectory } from '../store/fixtures/records.ts';

test('percentiles use the nearest rank', () => {
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([5], 95), 5);
  assert.equal(percentile([4, 1, 3, 2], 50), 2);
  assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95), 95);
});

test('the html tag escapes every value and the highlighter escapes before it marks up', () => {
  assert.equal(html`<p title="${'"x"'}">${'<b>&'}</p>`.value, '<p title="&quot;x&quot;">&lt;b&gt;&amp;</p>');
  assert.equal(html`${[html`<i>${'<'}</i>`, null, undefined, false, 3]}`.value, '<i>&lt;</i>3');
  assert.equal(jsonBlock('d', { s: '</script><script>' }).value, '<script type="application/json" id="d">{"s":"\\u003c/script>\\u003cscript>"}</script>');
  assert.equal(
    highlightJs('const a = "<b>"; // </pre>\nfoo(1)').value,
    '<span class="tok-k">const</span> a = <span class="tok-s">&quot;&lt;b&gt;&quot;</span>; <span class="tok-c">// &lt;/pre&gt;</span>\n<span class="tok-f">foo</span>(<span class="tok-n">1</span>)',
  );
  assert.equal(highlightJs('x = `unterminated <img').value, 'x = <span class="tok-s">`unterminated &lt;img</span>');
});

test('dashboard numbers per day: routes, fallback rate, feedback, latency, shadow accuracy', async () => {
  const clock = manualClock('2026-11-10T10:00:00.000Z');
  const store = new SqliteLogStore(':memory:', { now: clock.now });
  const ask = async (route: 'student' | 'teacher', latencyMs: number, answer = 'Use the VPN.') => {
    const id = await store.createQuestion({ text: 'q', surface: 'slack' });
    await store.finishQuestion(id, answered({ route, reason: route === 'teacher' ? 'max_steps' : 'confident', latencyMs, answer }));
    return id;
  };
  const a = await ask('student', 1000);
  await store.addTrajectory(trajectory(a, { role: 'shadow', finalAnswer: 'use the vpn' }));
  const b = await ask('student', 2000);
  await store.addTrajectory(trajectory(b, { role: 'shadow', finalAnswer: 'Ask your manager.' }));
  const c = await ask('teacher', 9000);
  await store.addFeedback({ questionId: a, trajectoryId: null, user: 'u', value: 'up', surface: 'slack' });
  await store.addFeedback({ questionId: c, trajectoryId: null, user: 'u', value: 'down', surface: 'slack' });
  clock.set('2026-11-12T10:00:00.000Z');
  await ask('teacher', 4000);
  await store.createQuestion({ text: 'pending', surface: 'cli' });
  await store.upsertModelVersion({ version: 'v1', baseModel: 'b', adapterPath: null, datasetHash: null, evalReport: {}, status: 'promoted', createdAt: '2026-11-11T00:00:00.000Z', promotedAt: '2026-11-11T01:00:00.000Z' });

  const d = await dashboard(store, 3, new Date('2026-11-12T20:00:00.000Z'));
  assert.equal(d.since, '2026-11-10');
  assert.deepEqual(d.days.map((x) => x.day), ['2026-11-10', '2026-11-11', '2026-11-12']);
  assert.deepEqual(d.days[0], { day: '2026-11-10', student: 2, teacher: 1, unanswered: 0, fallbackRate: 1 / 3, up: 1, down: 1, p50: 2000, p95: 9000, shadowSamples: 2, accuracy: 0.5 });
  assert.deepEqual(d.days[1], { day: '2026-11-11', student: 0, teacher: 0, unanswered: 0, fallbackRate: null, up: 0, down: 0, p50: null, p95: null, shadowSamples: 0, accuracy: null });
  assert.deepEqual([d.days[2]!.teacher, d.days[2]!.unanswered, d.days[2]!.fallbackRate], [1, 1, 1]);
  assert.deepEqual(d.totals, { questions: 5, fallbackRate: 0.5, upRate: 0.5, p50: 2000, p95: 9000, shadowSamples: 2, accuracy: 0.5 });
  assert.deepEqual(d.reasons, { max_steps: 2 });
  assert.deepEqual(d.versions.map((v) => v.version), ['v1']);
  await store.close();
});
