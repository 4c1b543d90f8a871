import type { Session } from '../auth.ts';
import { html } from '../html.ts';
import { filterToQuery, PAGE_SIZE } from '../query.ts';
import type { Page, QuestionDetail, QuestionFilter, QuestionRecord } from '../../store/index.ts';
import { ms, when } from './format.ts';
import { csrfField, page } from './layout.ts';

const select = (name: string, label: string, values: string[], current: string | undefined) =>
  html`<label>${label}<select name="${name}"><option value="">any</option>${values.map((v) => html`<option ${v === current ? 'selected' : ''}>${v}</option>`)}</select></label>`;
const input = (name: string, label: string, current: string | undefined, type = 'text') =>
  html`<label>${label}<input type="${type}" name="${name}" value="${current ?? ''}"></label>`;

const clip = (s: string | null, n: number) => (s === null ? '' : s.length > n ? `${s.slice(0, n)}…` : s);

/** Curation badges per trajectory and feedback counts for one row. */
function review(d: QuestionDetail | undefined) {
  if (!d) return '';
  const up = d.feedback.filter((f) => f.value === 'up').length;
  const down = d.feedback.length - up;
  return html`${d.trajectories.map((t) => html`<span class="badge ${t.curation}" title="${t.role} trajectory">${t.role[0]}: ${t.curation}</span> `)}${up ? html`<span class="badge up">${up} up</span> ` : ''}${down ? html`<span class="badge down">${down} down</span>` : ''}`;
}

export function questionsPage(result: Page<QuestionRecord>, details: Map<string, QuestionDetail>, filter: QuestionFilter, pageNo: number, session: Session, flash?: string): string {
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const query = filterToQuery(filter);
  return page(
    'Conversations',
    html`<h1>Conversations <small>${result.total} matching</small></h1>
${flash ? html`<p class="flash" role="status">${flash}</p>` : ''}
<form class="filters" method="get" action="/questions">
  ${input('q', 'search', filter.text, 'search')}
  ${select('surface', 'surface', ['slack', 'discord', 'console', 'cli', 'eval', 'distill'], filter.surface)}
  ${input('channel', 'channel', filter.channel)}
  ${input('user', 'user', filter.user)}
  ${select('route', 'answered by', ['student', 'teacher'], filter.route)}
  ${input('reason', 'fallback reason', filter.reason)}
  ${select('feedback', 'feedback', ['up', 'down', 'none'], filter.feedback)}
  ${select('curation', 'curation', ['pending', 'approved', 'rejected'], filter.curation)}
  ${input('model', 'model / adapter', filter.model)}
  ${input('from', 'from', filter.from, 'date')}
  ${input('to', 'to', filter.to, 'date')}
  <button type="submit">Filter</button> <a href="/questions">clear</a>
</form>
<form method="post" action="/curate/bulk" id="bulk">
  ${csrfField(session)}
  <input type="hidden" name="filter" value="${query}">
  <div class="bulk">
    <span>Curate</span>
    <select name="role" aria-label="which trajectories"><option value="teacher">teacher trajectories</option><option value="student">student trajectories</option><option value="shadow">shadow trajectories</option><option value="all">all trajectories</option></select>
    <span>of</span>
    <select name="scope" aria-label="which questions"><option value="selected">the selected questions</option><option value="filtered">all ${result.total} matching questions</option></select>
    <button type="submit" name="state" value="approved" class="approve">Approve</button>
    <button type="submit" name="state" value="rejected" class="reject">Reject</button>
  </div>
</form>
<table class="questions">
<thead><tr><th></th><th>time</th><th>question</th><th>surface</th><th>user</th><th>answered by</th><th>reason</th><th>answer</th><th>latency</th><th>review</th></tr></thead>
<tbody>
${result.items.map(
  (q) => html`<tr>
  <td><input type="checkbox" name="ids" value="${q.id}" form="bulk" aria-label="select"></td>
  <td>${when(q.createdAt)}</td>
  <td><a href="/questions/${q.id}">${clip(q.text, 120)}</a></td>
  <td>${q.surface}${q.channel ? html` <span class="muted">#${q.channel}</span>` : ''}</td>
  <td>${q.user ?? ''}</td>
  <td>${q.route ? html`<span class="badge ${q.route}">${q.route}</span>` : html`<span class="badge ${q.status}">${q.status}</span>`}</td>
  <td>${q.reason ?? ''}</td>
  <td>${clip(q.answer, 100)}</td>
  <td>${ms(q.latencyMs)}</td>
  <td class="review">${review(details.get(q.id))}</td>
</tr>`,
)}
</tbody>
</table>
${result.items.length === 0 ? html`<p class="muted">No conversations match.</p>` : ''}
<nav class="pager">
  ${pageNo > 1 ? html`<a href="/questions?${filterToQuery(filter, pageNo - 1)}" rel="prev">← newer</a>` : ''}
  <span>page ${pageNo} of ${pages}</span>
  ${pageNo < pages ? html`<a href="/questions?${filterToQuery(filter, pageNo + 1)}" rel="next">older →</a>` : ''}
</nav>`,
    session,
  );
}
