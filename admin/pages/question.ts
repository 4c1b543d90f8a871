import type { Session } from '../auth.ts';
import { highlightJs } from '../highlight.ts';
import { html, type Html } from '../html.ts';
import type { CandidateRecord, QuestionDetail, SourceRef, StepRecord, TrajectoryRecord } from '../../store/index.ts';
import { ms, pct, when } from './format.ts';
import { csrfField, page } from './layout.ts';

const ROLE_ORDER = { student: 0, teacher: 1, shadow: 2 };

function sources(list: SourceRef[] | undefined): Html {
  if (!list?.length) return html``;
  return html`<ul class="sources">${list.map(
    (s) => html`<li>${/^https?:\/\//i.test(s.source) ? html`<a href="${s.source}" rel="noreferrer noopener">${s.title}</a>` : html`<b>${s.title}</b> <span class="muted">${s.source}</span>`} <span class="muted">score ${s.score.toFixed(2)}</span></li>`,
  )}</ul>`;
}

function code(c: string | null): Html {
  return c === null ? html`` : html`<pre class="code"><code>${highlightJs(c)}</code></pre>`;
}

function candidates(list: CandidateRecord[], agreement: number | undefined): Html {
  return html`<details class="candidates"><summary>${list.length} SAG candidates · agreement ${pct(agreement ?? null)}</summary>
<table><thead><tr><th>#</th><th>votes</th><th>vote key</th><th>code</th><th>observation / error</th></tr></thead><tbody>
${list.map(
  (c, i) => html`<tr class="${c.chosen ? 'chosen' : ''}"><td>${i + 1}${c.chosen ? ' ✔' : ''}</td><td>${c.votes}</td><td>${c.voteKey ?? '—'}</td><td>${code(c.code)}</td><td>${c.error ? html`<pre class="err">${c.error}</pre>` : html`<pre class="observation">${c.finalAnswer !== null ? `final_answer: ${c.finalAnswer}` : c.observation}</pre>`}</td></tr>`,
)}
</tbody></table></details>`;
}

function step(s: StepRecord): Html {
  return html`<section class="step">
  <h3>Step ${s.index + 1} <span class="muted">· ${ms(s.latencyMs)} · ${s.promptTokens} + ${s.completionTokens} tokens</span></h3>
  ${s.thought ? html`<div class="thought">${s.thought}</div>` : ''}
  ${code(s.code)}
  ${s.observation ? html`<pre class="observation">${s.observation}</pre>` : ''}
  ${s.error ? html`<pre class="err">${s.error}</pre>` : ''}
  ${s.candidates?.length ? candidates(s.candidates, s.agreement) : ''}
  ${sources(s.sources)}
</section>`;
}

function curation(t: TrajectoryRecord, session: Session): Html {
  return html`<form class="curate" method="post" action="/trajectories/${t.id}/curate">
  ${csrfField(session)}
  <input type="hidden" name="question" value="${t.questionId}">
  <p>Curation: <span class="badge ${t.curation}">${t.curation}</span>${t.curatedBy ? html` <span class="muted">by ${t.curatedBy} at ${when(t.curatedAt)}</span>` : ''}</p>
  <label>Edited answer (used for training instead of the final answer)
  <textarea name="editedAnswer" maxlength="20000">${t.editedAnswer ?? ''}</textarea></label>
  <div class="buttons">
    <button type="submit" name="state" value="approved" class="approve">Approve</button>
    <button type="submit" name="state" value="rejected" class="reject">Reject</button>
  </div>
</form>`;
}

function trajectory(t: TrajectoryRecord, session: Session): Html {
  return html`<article class="trajectory" id="t-${t.id}" data-role="${t.role}">
  <h2><span class="badge ${t.role}">${t.role}</span> ${t.model}${t.adapter ? html` <small>+ ${t.adapter}</small>` : ''}</h2>
  <p class="meta">${t.outcome} · ${ms(t.latencyMs)} · ${t.promptTokens} prompt + ${t.completionTokens} completion tokens · ${when(t.createdAt)}</p>
  ${t.firstThought ? html`<p><b>First-thought prefix:</b> <span class="thought">${t.firstThought}</span></p>` : ''}
  ${t.steps.map(step)}
  <h3>Final answer</h3>
  ${t.finalAnswer !== null ? html`<div class="final">${t.finalAnswer}</div>` : html`<p class="muted">none (${t.outcome})</p>`}
  ${curation(t, session)}
</article>`;
}

export function questionPage(d: QuestionDetail, session: Session, flash?: string): string {
  const q = d.question;
  const trajectories = [...d.trajectories].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
  const roleOf = new Map(d.trajectories.map((t) => [t.id, t.role]));
  return page(
    'Conversation',
    html`<p><a href="/questions">← conversations</a></p>
${flash ? html`<p class="flash" role="status">${flash}</p>` : ''}
<h1>Question</h1>
<div class="question-text">${q.text}</div>
<p class="meta">${when(q.createdAt)} · ${q.surface}${q.channel ? ` #${q.channel}` : ''} · ${q.user ?? 'anonymous'} · <span class="badge ${q.status}">${q.status}</span>
${q.route ? html` · answered by <span class="badge ${q.route}">${q.route}</span> (${q.reason ?? 'no reason'})` : ''}
· ${ms(q.latencyMs)}${q.abstained ? ' · abstained' : ''}${q.unverified ? ' · unverified' : ''}${q.attempts > 1 ? html` · <span class="badge retried" title="a worker stopped mid-answer and the queue delivered the question again">delivered ${q.attempts} times</span>` : ''}</p>
${q.error ? html`<pre class="err">${q.error}</pre>` : ''}
<h2>Delivered answer</h2>
${q.answer !== null ? html`<div class="final">${q.answer}</div>` : html`<p class="muted">not answered</p>`}
${sources(q.sources)}
<h2>Feedback</h2>
${d.feedback.length
  ? html`<ul>${d.feedback.map((f) => html`<li><span class="badge ${f.value}">${f.value === 'up' ? 'thumbs up' : 'thumbs down'}</span> ${f.user} on ${f.surface} · ${when(f.createdAt)}</li>`)}</ul>`
  : html`<p class="muted">none</p>`}
<h2>Trajectories</h2>
${trajectories.length ? html`<div class="trajectories">${trajectories.map((t) => trajectory(t, session))}</div>` : html`<p class="muted">No trajectories recorded.</p>`}
<h2>Curation log</h2>
${d.curationLog.length
  ? html`<table class="log"><thead><tr><th>when</th><th>who</th><th>trajectory</th><th>state</th><th>edited answer</th></tr></thead><tbody>
${d.curationLog.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.by}</td><td>${roleOf.get(e.trajectoryId) ?? ''}</td><td><span class="badge ${e.state}">${e.state}</span></td><td>${e.editedAnswer ?? ''}</td></tr>`)}
</tbody></table>`
  : html`<p class="muted">No curation yet.</p>`}`,
    session,
  );
}
