import { Router, type Request, type Response } from 'express';
import type { CurationState, LogStore, TrajectoryRole } from '../store/index.ts';
import { errorPage } from './pages/layout.ts';
import { filterToQuery, ID_PATTERN, parseListQuery } from './query.ts';

/** Bulk actions touch at most this many questions at once; narrow the filter for more. */
export const MAX_BULK = 1000;
const MAX_EDIT_CHARS = 20_000;

const isState = (v: unknown): v is CurationState => v === 'approved' || v === 'rejected';
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function fail(req: Request, res: Response, status: number, message: string): void {
  res.status(status).type('html').send(errorPage(status, message, req.session));
}

export function curationRoutes(store: LogStore): Router {
  const router = Router();

  router.post('/trajectories/:id/curate', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const id = req.params.id;
    const questionId = body.question;
    if (!ID_PATTERN.test(id) || typeof questionId !== 'string' || !ID_PATTERN.test(questionId)) return fail(req, res, 404, 'No such trajectory.');
    if (!isState(body.state)) return fail(req, res, 400, 'state must be "approved" or "rejected".');
    const edited = typeof body.editedAnswer === 'string' ? body.editedAnswer.trim() : '';
    if (edited.length > MAX_EDIT_CHARS) return fail(req, res, 400, `The edited answer is longer than ${MAX_EDIT_CHARS} characters.`);
    const detail = await store.getQuestion(questionId);
    if (!detail?.trajectories.some((t) => t.id === id)) return fail(req, res, 404, 'No such trajectory.');
    await store.curate([id], body.state, req.session!.user, edited === '' ? null : edited);
    res.redirect(303, `/questions/${questionId}?done=${body.state}#t-${id}`);
  });

  router.post('/curate/bulk', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (!isState(body.state)) return fail(req, res, 400, 'state must be "approved" or "rejected".');
    const role = body.role;
    if (!['teacher', 'student', 'shadow', 'all'].includes(role as string)) return fail(req, res, 400, 'role must be teacher, student, shadow or all.');
    const filter = parseListQuery(Object.fromEntries(new URLSearchParams(typeof body.filter === 'string' ? body.filter : ''))).filter;
    let questionIds: string[];
    if (body.scope === 'filtered') {
      const page = await store.listQuestions(filter, { offset: 0, limit: MAX_BULK + 1 });
      if (page.total > MAX_BULK) return fail(req, res, 400, `${page.total} questions match; bulk actions take at most ${MAX_BULK}. Narrow the filter.`);
      questionIds = page.items.map((q) => q.id);
    } else if (body.scope === 'selected') {
      const ids = asList(body.ids);
      if (ids.length === 0 || ids.length > MAX_BULK || !ids.every((v): v is string => typeof v === 'string' && ID_PATTERN.test(v))) {
        return fail(req, res, 400, `Select between 1 and ${MAX_BULK} questions from the list.`);
      }
      questionIds = ids;
    } else {
      return fail(req, res, 400, 'scope must be "selected" or "filtered".');
    }
    const trajectoryIds: string[] = [];
    for (const qid of questionIds) {
      const d = await store.getQuestion(qid);
      for (const t of d?.trajectories ?? []) if (role === 'all' || t.role === (role as TrajectoryRole)) trajectoryIds.push(t.id);
    }
    if (trajectoryIds.length > 0) await store.curate(trajectoryIds, body.state, req.session!.user);
    const params = new URLSearchParams(filterToQuery(filter));
    params.set('done', `bulk-${body.state}`);
    params.set('n', String(trajectoryIds.length));
    res.redirect(303, `/questions?${params}`);
  });
  return router;
}
