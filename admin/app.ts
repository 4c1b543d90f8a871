import express, { type NextFunction, type Request, type Response } from 'express';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LogStore } from '../store/index.ts';
import { SessionStore } from './auth.ts';
import { curationRoutes } from './curate.ts';
import { requireCsrf, requireSession, securityHeaders } from './guard.ts';
import { health, storeProbe, type Probe } from './health.ts';
import { loginRoutes, logoutRoute } from './login.ts';
import { storeMetrics } from './metrics.ts';
import { dashboardPage } from './pages/dashboard.ts';
import { errorPage } from './pages/layout.ts';
import { questionPage } from './pages/question.ts';
import { questionsPage } from './pages/questions.ts';
import { BadQueryError, ID_PATTERN, PAGE_SIZE, parseListQuery } from './query.ts';
import { dashboard } from './stats.ts';

export interface AdminAppOptions {
  password: string;
  sessionTtlMs: number;
  /** Extra /healthz checks (the model, Chroma), each resolving with details or throwing. */
  probes?: Record<string, Probe>;
}

const require = createRequire(import.meta.url);
const STATIC: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  [
    ['admin.css', path.join(import.meta.dirname, 'static', 'admin.css'), 'text/css'],
    ['dashboard.js', path.join(import.meta.dirname, 'static', 'dashboard.js'), 'text/javascript'],
    ['chart.umd.js', path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js'), 'text/javascript'],
  ].map(([name, file, type]) => [name!, { type: type!, body: readFileSync(file!) }]),
);

const MAX_FORM_FIELDS = 1100;

const DONE: Record<string, (n: number) => string> = {
  approved: () => 'Trajectory approved.',
  rejected: () => 'Trajectory rejected.',
  'bulk-approved': (n) => `Approved ${n} trajectories.`,
  'bulk-rejected': (n) => `Rejected ${n} trajectories.`,
};

export function createAdminApp(store: LogStore, opts: AdminAppOptions): express.Express {
  const sessions = new SessionStore(opts.sessionTtlMs);
  const metrics = storeMetrics(store);
  const probes = { store: storeProbe(store), ...opts.probes };
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: MAX_FORM_FIELDS }));

  app.get('/healthz', async (_req, res) => {
    const report = await health(probes);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  app.get('/static/:name', (req, res) => {
    const file = STATIC[req.params.name];
    if (!file) return res.status(404).type('text').send('not found');
    res.type(file.type).send(file.body);
  });
  app.get('/favicon.ico', (_req, res) => void res.status(204).end());
  app.use(loginRoutes(sessions, opts.password, opts.sessionTtlMs));

  app.use(requireSession(sessions, opts.password));
  app.use(requireCsrf);
  app.use(logoutRoute(sessions));
  app.use(curationRoutes(store));

  app.get('/', async (req, res) => {
    const days = Number(req.query.days ?? 14);
    if (![7, 14, 30, 90].includes(days)) throw new BadQueryError('days must be 7, 14, 30 or 90');
    res.type('html').send(dashboardPage(await dashboard(store, days), days, req.session!));
  });
  app.get('/questions', async (req, res) => {
    const { filter, page, done, n } = parseListQuery(req.query);
    const result = await store.listQuestions(filter, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
    const details = await Promise.all(result.items.map((q) => store.getQuestion(q.id)));
    const byId = new Map(details.flatMap((d) => (d ? [[d.question.id, d] as const] : [])));
    res.type('html').send(questionsPage(result, byId, filter, page, req.session!, done && DONE[done]!(n ?? 0)));
  });
  app.get('/questions/:id', async (req, res) => {
    const detail = ID_PATTERN.test(req.params.id) ? await store.getQuestion(req.params.id) : undefined;
    if (!detail) return res.status(404).type('html').send(errorPage(404, 'No conversation with that id.', req.session));
    const done = req.query.done;
    res.type('html').send(questionPage(detail, req.session!, done === 'approved' || done === 'rejected' ? DONE[done]!(1) : undefined));
  });
  app.get('/metrics', async (_req, res) => {
    const body = await metrics.scrape();
    res.type(metrics.contentType).send(body);
  });

  app.use((req: Request, res: Response) => {
    res.status(404).type('html').send(errorPage(404, 'There is no page at this address.', req.session));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof BadQueryError ? 400 : ((err as { status?: number }).status ?? 500);
    if (status >= 500) console.error('admin:', err);
    const message = err instanceof BadQueryError ? `Bad filter: ${err.message}` : status < 500 ? (err as Error).message : 'Something went wrong; the error is in the server log.';
    res.status(status).type('html').send(errorPage(status, message, req.session));
  });
  return app;
}
