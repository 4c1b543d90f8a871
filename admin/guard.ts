import type { NextFunction, Request, Response } from 'express';
import { parseCookies, safeEqual, SESSION_COOKIE, type Session, type SessionStore } from './auth.ts';
import { errorPage } from './pages/layout.ts';

const MAX_URL_LENGTH = 4096;

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': req.path.startsWith('/static/') ? 'private, max-age=300' : 'no-store',
  });
  if (req.originalUrl.length > MAX_URL_LENGTH) {
    res.status(400).type('html').send(errorPage(400, `The address is longer than ${MAX_URL_LENGTH} characters; shorten the search or filters.`));
    return;
  }
  next();
}

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
  }
}

/** A session cookie; Prometheus may instead send `Authorization: Bearer <admin password>` to GET /metrics. */
export function requireSession(sessions: SessionStore, password: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const session = sessions.get(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    if (session) {
      req.session = session;
      return next();
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer && req.method === 'GET' && req.path === '/metrics' && safeEqual(bearer, password)) return next();
    if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
      res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(401).type('text').send('sign in first (GET /login); /metrics also takes Authorization: Bearer <admin password>');
  };
}

/** Every POST from a session carries that session's CSRF token in the `_csrf` field. */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST') return next();
  const token = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (!req.session || typeof token !== 'string' || !safeEqual(token, req.session.csrf)) {
    res.status(403).type('html').send(errorPage(403, 'The form was stale or did not come from this site (missing or wrong CSRF token). Reload the page and try again.', req.session));
    return;
  }
  next();
}
