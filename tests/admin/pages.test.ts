import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { post, signIn, startHarness, type Harness } from './fixtures.ts';
import { trajectory } from '../store/fixtures/records.ts';

let h: Harness;
let session: { cookie: string; csrf: string };
const get = async (p: string) => {
  const res = await fetch(h.server.url + p, { headers: { cookie: session.cookie }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: await res.text() };
};
before(async () => {
  h = await startHarness({ days: 5, perDay: 8 });
  session = await signIn(h.server.url, 'dana');
});
after(() => h.close());

const EVIL = '<script>alert("pwned")</script><img src=x onerror=alert(1)> & "quotes"';

test('stored text is always escaped: a question with <script> renders as text', async () => {
  const id = await h.store.createQuestion({ text: EVIL, surface: 'slack', user: '<b>mallory</b>', channel: '"><svg onload=alert(2)>' });
  await h.store.addTrajectory(trajectory(id, {
    model: '<i>model</i>',
    steps: [{ index: 0, thought: EVIL, code: `console.log("</script><script>alert(3)</script>")`, observation: EVIL, error: EVIL, latencyMs: 1, promptTokens: 1, completionTokens: 1,
      sources: [{ title: EVIL, source: 'javascript:alert(4)', score: 0.5 }],
      candidates: [{ text: EVIL, code: EVIL, observation: EVIL, error: null, finalAnswer: EVIL, voteKey: EVIL, votes: 1, chosen: true }] }],
    finalAnswer: EVIL,
  }));
  await h.store.finishQuestion(id, { status: 'answered', route: 'student', reason: EVIL, answer: EVIL, abstained: false, unverified: false, sources: [{ title: EVIL, source: EVIL, score: 1 }], latencyMs: 5, error: null });
  for (const p of [`/questions/${id}`, `/questions?q=pwned`, '/']) {
    const { status, body } = await get(p);
    assert.equal(status, 200, p);
    assert.ok(!body.includes('<script>alert'), `${p}: no live script`);
    assert.ok(!/<img src=x|<svg onload|<b>mallory|<i>model/.test(body), `${p}: no live markup`);
    assert.ok(!body.includes('href="javascript:'), `${p}: no javascript: links`);
  }
  const { body } = await get(`/questions/${id}`);
  assert.ok(body.includes('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;'));
  assert.ok(body.includes('&lt;/script&gt;&lt;script&gt;alert(3)'), 'code is escaped inside the highlighter');
  const list = (await get(`/questions?q=pwned`)).body;
  assert.ok(list.includes(`/questions/${id}`) && list.includes('&lt;script&gt;alert'), 'the list finds it and shows it as text');
});

test('a question the queue delivered twice (its worker died mid-answer) says so; one delivered once does not', async () => {
  const id = '3f0c2a5e-0000-4000-8000-000000000016';
  for (let i = 0; i < 2; i++) await h.store.createQuestion({ id, text: 'retried question', surface: 'slack', user: 'U1', channel: null });
  assert.match((await get(`/questions/${id}`)).body, /delivered 2 times/);
  const once = await h.store.createQuestion({ text: 'plain question', surface: 'slack', user: 'U1', channel: null });
  assert.doesNotMatch((await get(`/questions/${once}`)).body, /delivered \d+ times/);
});

test('strict CSP and other security headers on every page', async () => {
  for (const p of ['/', '/questions', '/login', '/healthz']) {
    const { headers } = await get(p);
    assert.match(headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'; style-src 'self'/, p);
    assert.equal(headers.get('x-frame-options'), 'DENY');
    assert.equal(headers.get('x-content-type-options'), 'nosniff');
  }
  const { body } = await get('/');
  assert.ok(!/<script(?![^>]*(src="\/static\/|type="application\/json"))/.test(body), 'no inline script (the data block is JSON)');
  assert.ok(!/ on\w+=/.test(body), 'no inline handlers');
});

test('bad ids are 404 pages, bad filters and huge queries 400', async () => {
  for (const p of ['/questions/nope', '/questions/00000000-0000-4000-8000-000000000000', "/questions/1' OR 1=1", '/nothing-here']) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.match(r.body, /404 · Not found/);
  }
  for (const p of ['/questions?surface=fax', '/questions?page=0', '/questions?page=abc', '/questions?from=yesterday', '/questions?route=a&route=b', '/questions?unknown=1', '/?days=1000']) {
    const r = await get(p);
    assert.equal(r.status, 400, p);
    assert.match(r.body, /400 · Bad request/);
  }
  const huge = await get(`/questions?q=${'a'.repeat(5000)}`);
  assert.equal(huge.status, 400);
  assert.match(huge.body, /longer than 4096/);
  assert.equal((await get(`/questions?q=${'a'.repeat(600)}`)).status, 400, 'search text over 500 characters');
});

test('the list filters, searches and pages', async () => {
  const all = await h.store.listQuestions({}, { offset: 0, limit: 1000 });
  const first = await get('/questions');
  assert.match(first.body, new RegExp(`${all.total} matching`));
  assert.match(first.body, /page 1 of \d+/);
  assert.match(first.body, /rel="next"/);
  const rows = (b: string) => b.match(/<tr>\s*<td><input type="checkbox"/g)?.length ?? 0;
  assert.equal(rows(first.body), 25);
  const page2 = await get('/questions?page=2');
  assert.ok(page2.body.includes(`/questions/${all.items[25]!.id}`));

  const teacher = await h.store.listQuestions({ route: 'teacher', text: 'vpn' }, { offset: 0, limit: 1000 });
  const filtered = await get('/questions?route=teacher&q=vpn&surface=');
  assert.match(filtered.body, new RegExp(`${teacher.total} matching`));
  assert.equal(rows(filtered.body), Math.min(25, teacher.total));
  for (const q of teacher.items.slice(0, 25)) assert.ok(filtered.body.includes(`/questions/${q.id}`));
  assert.match(filtered.body, /<option selected>teacher<\/option>/);
  assert.match((await get('/questions?from=2001-01-01&to=2001-01-02')).body, /0 matching/);
});

test('the trajectory view shows steps, code, SAG votes, sources, answers and feedback side by side', async () => {
  const [teacherQ] = (await h.store.listQuestions({ route: 'teacher' }, { offset: 0, limit: 1 })).items;
  const d = (await h.store.getQuestion(teacherQ!.id))!;
  const { body } = await get(`/questions/${teacherQ!.id}`);
  assert.equal((body.match(/class="trajectory"/g) ?? []).length, d.trajectories.length);
  assert.ok(body.indexOf('data-role="student"') < body.indexOf('data-role="teacher"'), 'student then teacher');
  assert.match(body, /<span class="tok-k">const<\/span>/);
  assert.match(body, /SAG candidates · agreement \d+\.\d%/);
  assert.match(body, /First-thought prefix/);
  assert.match(body, /prompt \+ \d+ completion tokens/);
  assert.ok(body.includes(d.trajectories[1]!.steps[0]!.sources![0]!.title.replace(/&/g, '&amp;')));
  assert.match(body, /Curation log/);
});

test('curation: edit then approve, and bulk actions on the filtered list, recorded with who and when', async () => {
  const { items } = await h.store.listQuestions({ route: 'teacher', curation: 'pending' }, { offset: 0, limit: 1 });
  const d = (await h.store.getQuestion(items[0]!.id))!;
  const teacher = d.trajectories.find((t) => t.role === 'teacher')!;
  const res = await post(`${h.server.url}/trajectories/${teacher.id}/curate`, session.cookie, { _csrf: session.csrf, question: d.question.id, state: 'approved', editedAnswer: '  A better answer.  ' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/questions/${d.question.id}?done=approved#t-${teacher.id}`);
  const after1 = (await h.store.getQuestion(d.question.id))!;
  const t = after1.trajectories.find((x) => x.id === teacher.id)!;
  assert.deepEqual([t.curation, t.editedAnswer, t.curatedBy], ['approved', 'A better answer.', 'dana']);
  assert.ok(Date.now() - Date.parse(t.curatedAt!) < 60_000);
  assert.deepEqual(after1.curationLog.at(-1), { trajectoryId: teacher.id, state: 'approved', editedAnswer: 'A better answer.', by: 'dana', at: t.curatedAt });
  const page = (await get(res.headers.get('location')!)).body;
  assert.match(page, /Trajectory approved\./);
  assert.match(page, /<td>dana<\/td><td>teacher<\/td>/);
  const listed = (await get('/questions?curation=approved')).body;
  assert.match(listed, new RegExp(`/questions/${d.question.id}"[\\s\\S]*?<span class="badge approved" title="teacher trajectory">t: approved</span>`));

  const wrongQuestion = await post(`${h.server.url}/trajectories/${teacher.id}/curate`, session.cookie, { _csrf: session.csrf, question: h.ids[0]!, state: 'approved' });
  assert.equal(wrongQuestion.status, 404);
  assert.equal((await post(`${h.server.url}/trajectories/${teacher.id}/curate`, session.cookie, { _csrf: session.csrf, question: d.question.id, state: 'maybe' })).status, 400);

  const filter = 'route=teacher&reason=max_steps';
  const matching = await h.store.listQuestions({ route: 'teacher', reason: 'max_steps' }, { offset: 0, limit: 1000 });
  const bulk = await post(`${h.server.url}/curate/bulk`, session.cookie, { _csrf: session.csrf, filter, scope: 'filtered', role: 'teacher', state: 'rejected' });
  assert.equal(bulk.status, 303);
  assert.equal(bulk.headers.get('location'), `/questions?${filter}&done=bulk-rejected&n=${matching.total}`);
  for (const q of matching.items) {
    const t2 = (await h.store.getQuestion(q.id))!.trajectories.find((x) => x.role === 'teacher')!;
    assert.deepEqual([t2.curation, t2.curatedBy], ['rejected', 'dana']);
  }
  assert.match((await get(bulk.headers.get('location')!)).body, new RegExp(`Rejected ${matching.total} trajectories`));

  const picked = items[0]!.id;
  const sel = await post(`${h.server.url}/curate/bulk`, session.cookie, { _csrf: session.csrf, filter: '', scope: 'selected', role: 'all', state: 'approved', ids: [picked] });
  assert.equal(sel.status, 303);
  assert.ok((await h.store.getQuestion(picked))!.trajectories.every((x) => x.curation === 'approved' && x.curatedBy === 'dana'));
  assert.equal((await post(`${h.server.url}/curate/bulk`, session.cookie, { _csrf: session.csrf, scope: 'selected', role: 'all', state: 'approved', ids: ['../etc'] })).status, 400);
});

test('the dashboard embeds its numbers as JSON and loads Chart.js from this server', async () => {
  const { body } = await get('/?days=7');
  assert.match(body, /<script src="\/static\/chart\.umd\.js" defer><\/script>/);
  const json = /<script type="application\/json" id="dashboard-data">(.*?)<\/script>/s.exec(body)![1]!;
  const data = JSON.parse(json) as { days: { student: number; teacher: number; unanswered: number }[]; totals: { questions: number }; versions: unknown[] };
  assert.equal(data.days.length, 7);
  assert.equal(data.days.reduce((s, d) => s + d.student + d.teacher + d.unanswered, 0), data.totals.questions);
  assert.equal(data.versions.length, 3);
  for (const id of ['chart-questions', 'chart-fallback', 'chart-feedback', 'chart-latency', 'chart-accuracy', 'chart-versions']) assert.ok(body.includes(`id="${id}"`));
});
