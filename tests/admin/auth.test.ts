import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAdminApp } from '../../admin/app.ts';
import { SessionStore } from '../../admin/auth.ts';
import { startAdminServer } from '../../admin/index.ts';
import { loadConfig } from '../../config/index.ts';
import { SqliteLogStore } from '../../store/index.ts';
import { post, signIn, startHarness, type Harness } from './fixtures.ts';

let h: Harness;
let questionId: string;
let trajectoryId: string;
before(async () => {
  h = await startHarness({ days: 3, perDay: 4 });
  const d = (await h.store.getQuestion(h.ids[0]!))!;
  questionId = d.question.id;
  trajectoryId = d.trajectories[0]!.id;
});
after(() => h.close());

test('refuses to start without an admin password, naming the variable', async () => {
  const store = new SqliteLogStore(':memory:');
  await assert.rejects(startAdminServer(loadConfig({ env: {}, overrides: { 'admin.port': 0 } }), store), /UNDERSTUDY_ADMIN_PASSWORD/);
  await store.close();
});

/** The app's routes as `METHOD /path`, read from Express's router so a new route can't skip this test. */
function registeredRoutes(): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((l) => (l.route ? Object.keys(l.route.methods).map((m) => `${m.toUpperCase()} ${l.route!.path}`) : walk(l.handle?.stack ?? [])));
  const app = createAdminApp(h.store, { password: 'x'.repeat(8), sessionTtlMs: 1000 }) as unknown as { router: { stack: Layer[] } };
  return walk(app.router.stack);
}

const PUBLIC = ['GET /healthz', 'GET /static/:name', 'GET /favicon.ico', 'GET /login', 'POST /login'];

test('every route but health, sign-in and static files needs a session', async () => {
  const url = h.server.url;
  const examples: Record<string, string[]> = {
    'GET /': ['/', '/?days=30'],
    'GET /questions': ['/questions', '/questions?route=teacher&q=vpn'],
    'GET /questions/:id': [`/questions/${questionId}`, '/questions/not-an-id'],
    'GET /metrics': ['/metrics'],
    'POST /logout': ['/logout'],
    'POST /trajectories/:id/curate': [`/trajectories/${trajectoryId}/curate`],
    'POST /curate/bulk': ['/curate/bulk'],
  };
  assert.deepEqual(Object.keys(examples).sort(), registeredRoutes().filter((r) => !PUBLIC.includes(r)).sort(), 'every protected route is walked');
  for (const [route, paths] of Object.entries(examples)) {
    for (const p of route.startsWith('GET') ? [...paths, '/no/such/page'] : paths) {
      if (route.startsWith('GET')) {
        const browser = await fetch(url + p, { redirect: 'manual', headers: { accept: 'text/html' } });
        assert.equal(browser.status, 302, `GET ${p} from a browser`);
        assert.equal(browser.headers.get('location'), `/login?next=${encodeURIComponent(p)}`);
        const api = await fetch(url + p, { redirect: 'manual', headers: { accept: 'application/json' } });
        assert.equal(api.status, 401, `GET ${p} from a script`);
      } else {
        const res = await post(url + p, null, { _csrf: 'x', state: 'approved', question: questionId, scope: 'filtered', role: 'all' });
        assert.equal(res.status, 401, `POST ${p}`);
      }
    }
  }
  const forged = await fetch(`${url}/questions`, { redirect: 'manual', headers: { cookie: 'understudy_session=forged' } });
  assert.equal(forged.status, 401);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/login`)).status, 200);
  for (const f of ['admin.css', 'dashboard.js', 'chart.umd.js']) assert.equal((await fetch(`${url}/static/${f}`)).status, 200, f);
  assert.equal((await h.store.getQuestion(questionId))!.trajectories[0]!.curation, 'pending', 'nothing changed');
});

test('sign-in checks the password and the form token and sets a strict session cookie', async () => {
  const url = h.server.url;
  const form = await fetch(`${url}/login`);
  const loginCookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const attempt = (fields: Record<string, string>, cookie = loginCookie) => post(`${url}/login`, cookie, { next: '/', user: 'dana', ...fields });

  const wrong = await attempt({ _csrf: token, password: 'correct horse battery!' });
  assert.equal(wrong.status, 401);
  assert.ok(!wrong.headers.getSetCookie().some((c) => c.startsWith('understudy_session=')));
  assert.match(await wrong.text(), /Wrong password/);
  assert.equal((await attempt({ _csrf: 'guess', password: 'correct horse battery' })).status, 403, 'login CSRF');
  assert.equal((await attempt({ _csrf: token, password: 'correct horse battery' }, '')).status, 403, 'no login cookie');

  const ok = await attempt({ _csrf: token, password: 'correct horse battery', next: '//evil.example/' });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/', 'no open redirect');
  const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('understudy_session='))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Max-Age=28800/);
  assert.match(cookie, /^understudy_session=[\w-]{40,};/);
});

test('sessions expire and sign-out ends them', async () => {
  let now = 0;
  const sessions = new SessionStore(1000, () => now);
  const s = sessions.create('dana');
  assert.equal(sessions.get(s.id)?.user, 'dana');
  now = 999;
  assert.ok(sessions.get(s.id));
  now = 1000;
  assert.equal(sessions.get(s.id), undefined);
  assert.notEqual(sessions.create('x').id, sessions.create('x').id);

  const { cookie, csrf } = await signIn(h.server.url);
  assert.equal((await fetch(`${h.server.url}/questions`, { headers: { cookie } })).status, 200);
  assert.equal((await post(`${h.server.url}/logout`, cookie, {})).status, 403, 'sign-out needs the CSRF token too');
  const out = await post(`${h.server.url}/logout`, cookie, { _csrf: csrf });
  assert.equal(out.status, 303);
  assert.equal((await fetch(`${h.server.url}/questions`, { headers: { cookie }, redirect: 'manual' })).status, 401);
});

test('a POST without the session\'s CSRF token is refused with 403 and changes nothing', async () => {
  const { cookie, csrf } = await signIn(h.server.url, 'eli');
  const target = `${h.server.url}/trajectories/${trajectoryId}/curate`;
  assert.equal((await post(target, cookie, { state: 'approved', question: questionId })).status, 403);
  assert.equal((await post(target, cookie, { _csrf: csrf.slice(1), state: 'approved', question: questionId })).status, 403);
  const other = await signIn(h.server.url, 'fay');
  assert.equal((await post(target, cookie, { _csrf: other.csrf, state: 'approved', question: questionId })).status, 403, "another session's token");
  assert.equal((await post(`${h.server.url}/curate/bulk`, cookie, { state: 'approved', scope: 'filtered', role: 'all' })).status, 403);
  assert.equal((await h.store.getQuestion(questionId))!.trajectories[0]!.curation, 'pending');

  const ok = await post(target, cookie, { _csrf: csrf, state: 'approved', question: questionId, editedAnswer: '' });
  assert.equal(ok.status, 303);
  const t = (await h.store.getQuestion(questionId))!.trajectories[0]!;
  assert.deepEqual([t.curation, t.curatedBy], ['approved', 'eli']);
});

test('/metrics takes the admin password as a bearer token; /healthz is public JSON', async () => {
  const m = await fetch(`${h.server.url}/metrics`, { headers: { authorization: 'Bearer correct horse battery' } });
  assert.equal(m.status, 200);
  assert.equal((await fetch(`${h.server.url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status, 401);
  assert.equal((await fetch(`${h.server.url}/questions`, { headers: { authorization: 'Bearer correct horse battery' } })).status, 401, 'only /metrics');
  const body = await m.text();
  const total = (await h.store.listQuestions({}, { offset: 0, limit: 0 })).total;
  const counted = [...body.matchAll(/^understudy_questions_total\{route="\w+"\} (\d+)$/gm)].reduce((s, x) => s + Number(x[1]), 0);
  assert.equal(counted, total);
  assert.match(body, /^understudy_fallback_total\{reason="\w+"\} \d+$/m);
  assert.match(body, /^understudy_feedback_total\{value="up"\} \d+$/m);
  assert.match(body, /^understudy_question_latency_seconds_bucket\{le="5",route="student"\} \d+$/m);
  const health = (await (await fetch(`${h.server.url}/healthz`)).json()) as { status: string; checks: Record<string, { ok: boolean; questions?: number }> };
  assert.deepEqual(health, { status: 'ok', checks: { store: { ok: true, questions: total } } });
});

test('/healthz reports the model and Chroma probes and turns 503 when one fails', async () => {
  const h2 = await startHarness({
    days: 1,
    perDay: 2,
    probes: { model: async () => ({ student: 'qwen-0.5b' }), chroma: async () => { throw new Error('connection refused'); } },
  });
  try {
    const res = await fetch(`${h2.server.url}/healthz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { status: string; checks: Record<string, unknown> };
    assert.equal(body.status, 'degraded');
    assert.deepEqual(body.checks.model, { ok: true, student: 'qwen-0.5b' });
    assert.deepEqual(body.checks.chroma, { ok: false, error: 'connection refused' });
  } finally {
    await h2.close();
  }
});

test('ten wrong passwords lock sign-in for that address', async () => {
  const h3 = await startHarness({ days: 1, perDay: 1 });
  try {
    const form = await fetch(`${h3.server.url}/login`);
    const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const tryPassword = (password: string) => post(`${h3.server.url}/login`, cookie, { _csrf: token, user: 'x', password, next: '/' });
    for (let i = 0; i < 10; i++) assert.equal((await tryPassword(`guess-${i}`)).status, 401);
    assert.equal((await tryPassword('correct horse battery')).status, 429);
  } finally {
    await h3.close();
  }
});
