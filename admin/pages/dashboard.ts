import type { Session } from '../auth.ts';
import { html, jsonBlock } from '../html.ts';
import type { Dashboard } from '../stats.ts';
import { when, ms, pct } from './format.ts';
import { page } from './layout.ts';

const tile = (label: string, value: string) => html`<div class="tile"><div class="value">${value}</div><div class="label">${label}</div></div>`;

const chart = (id: string, title: string) => html`<figure class="chart"><figcaption>${title}</figcaption><div class="canvas"><canvas id="${id}"></canvas></div></figure>`;

export function dashboardPage(d: Dashboard, days: number, session: Session): string {
  const t = d.totals;
  return page(
    'Dashboard',
    html`<h1>Dashboard <small>since ${d.since}</small></h1>
<form class="range" method="get" action="/">
  <label>Window <select name="days">${[7, 14, 30, 90].map((n) => html`<option value="${n}" ${n === days ? 'selected' : ''}>${n} days</option>`)}</select></label>
  <button type="submit">Show</button>
</form>
<div class="tiles">
  ${tile('questions', String(t.questions))}
  ${tile('fallback to teacher', pct(t.fallbackRate))}
  ${tile('thumbs up, share of rated answers', pct(t.upRate))}
  ${tile('p50 latency', ms(t.p50))}
  ${tile('p95 latency', ms(t.p95))}
  ${tile(`student accuracy (${t.shadowSamples} shadow samples)`, pct(t.accuracy))}
</div>
<div class="charts">
  ${chart('chart-questions', 'Questions per day, by who answered')}
  ${chart('chart-fallback', 'Fallback rate (teacher share of answers)')}
  ${chart('chart-feedback', 'Feedback per day (questions rated up / down)')}
  ${chart('chart-latency', 'Latency p50 / p95 (seconds)')}
  ${chart('chart-accuracy', 'Student accuracy on shadow samples')}
  ${chart('chart-versions', 'Student versions')}
</div>
<div class="tables">
<section>
<h2>Fallback reasons</h2>
${Object.keys(d.reasons).length === 0
    ? html`<p class="muted">The teacher answered nothing in this window.</p>`
    : html`<table class="reasons"><thead><tr><th>reason</th><th>questions</th></tr></thead><tbody>
${Object.entries(d.reasons).sort((a, b) => b[1] - a[1]).map(([reason, n]) => html`<tr><td><a href="/questions?${new URLSearchParams({ route: 'teacher', reason, from: d.since }).toString()}">${reason}</a></td><td>${n}</td></tr>`)}
</tbody></table>`}
</section>
<section>
<h2>Student versions</h2>
${d.versions.length === 0
    ? html`<p class="muted">No student versions yet: the nightly job records them.</p>`
    : html`<table class="versions"><thead><tr><th>version</th><th>base model</th><th>status</th><th>created</th><th>promoted</th></tr></thead><tbody>
${d.versions.map((v) => html`<tr><td>${v.version}</td><td>${v.baseModel}</td><td><span class="badge ${v.status}">${v.status}</span></td><td>${when(v.createdAt)}</td><td>${when(v.promotedAt)}</td></tr>`)}
</tbody></table>`}
</section>
</div>
${jsonBlock('dashboard-data', d)}`,
    session,
    ['/static/chart.umd.js', '/static/dashboard.js'],
  );
}
