import { Router, type Request } from 'express';
import { cookie, LOGIN_COOKIE, parseCookies, randomToken, safeEqual, SESSION_COOKIE, type SessionStore } from './auth.ts';
import { errorPage } from './pages/layout.ts';
import { loginPage } from './pages/login.ts';

const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;

/** Only same-site paths: never an open redirect. */
function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])/.test(v) && v.length < 2048 ? v : '/';
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Sign-in with the admin password and a name for the audit trail. The sign-in form is guarded by
 * a double-submit token (cookie + field) since there is no session yet.
 */
export function loginRoutes(sessions: SessionStore, password: string, ttlMs: number): Router {
  const failures = new Map<string, { count: number; until: number }>();
  const router = Router();
  const secure = (req: Request) => req.secure;

  const showForm = (req: Request, status: number, next: string, error?: string, user?: string) => {
    const token = randomToken();
    req.res!.append('Set-Cookie', cookie(LOGIN_COOKIE, token, { maxAgeS: 3600, secure: secure(req) }));
    req.res!.status(status).type('html').send(loginPage({ token, next, error, user }));
  };

  router.get('/login', (req, res) => {
    if (sessions.get(parseCookies(req.headers.cookie)[SESSION_COOKIE])) return res.redirect(302, safeNext(req.query.next));
    showForm(req, 200, safeNext(req.query.next));
  });

  router.post('/login', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const expected = parseCookies(req.headers.cookie)[LOGIN_COOKIE];
    if (!expected || !safeEqual(str(body._csrf), expected)) {
      return showForm(req, 403, next, 'The sign-in form expired; please try again.');
    }
    const ip = req.ip ?? 'unknown';
    const f = failures.get(ip);
    if (f && f.until > Date.now() && f.count >= MAX_FAILURES) {
      return res.status(429).type('html').send(errorPage(429, 'Too many failed sign-ins; wait 15 minutes.'));
    }
    const user = str(body.user).trim();
    const ok = safeEqual(str(body.password), password);
    if (!ok) {
      if (failures.size > 10_000) for (const [k, v] of failures) if (v.until <= Date.now()) failures.delete(k);
      failures.set(ip, { count: (f && f.until > Date.now() ? f.count : 0) + 1, until: Date.now() + FAILURE_WINDOW_MS });
      return showForm(req, 401, next, 'Wrong password.', user.slice(0, 64));
    }
    if (user.length === 0 || user.length > 64) return showForm(req, 400, next, 'Enter your name (at most 64 characters).');
    failures.delete(ip);
    const session = sessions.create(user);
    res.append('Set-Cookie', cookie(SESSION_COOKIE, session.id, { maxAgeS: Math.floor(ttlMs / 1000), secure: secure(req) }));
    res.append('Set-Cookie', cookie(LOGIN_COOKIE, '', { maxAgeS: 0, secure: secure(req) }));
    res.redirect(303, next);
  });
  return router;
}

export function logoutRoute(sessions: SessionStore): Router {
  return Router().post('/logout', (req, res) => {
    if (req.session) sessions.delete(req.session.id);
    res.append('Set-Cookie', cookie(SESSION_COOKIE, '', { maxAgeS: 0, secure: req.secure }));
    res.redirect(303, '/login');
  });
}
