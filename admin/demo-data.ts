import type { LogStore, NewTrajectory, StepRecord, Surface } from '../store/index.ts';

/**
 * Realistic sample traffic for screenshots, tests and trying the UI: `days` days of handbook
 * questions answered by the student or the teacher, with SAG steps, feedback, shadow samples,
 * curation and student versions. Times come from `setTime`, which must drive the store's clock.
 */
export interface DemoClock {
  set(ms: number): void;
}

const QA: [string, string, string, string][] = [
  ['How many vacation days do new employees get?', '25 days a year, prorated in the first year.', 'People handbook', 'handbook/people/time-off.md'],
  ['Do I need the VPN when working from a café?', 'Yes: always connect the corporate VPN on public Wi-Fi.', 'Security handbook', 'handbook/security/remote.md'],
  ['Who approves expenses over 500 EUR?', 'Your manager and then Finance (two approvals).', 'Finance policies', 'handbook/finance/expenses.md'],
  ['Where is the on-call runbook?', 'In the ops wiki under Runbooks → On-call.', 'Ops wiki', 'https://wiki.example.com/ops/runbooks'],
  ['What is 15% of the 3,200 EUR travel budget?', '480', 'Finance policies', 'handbook/finance/travel.md'],
  ['How long is parental leave?', 'Sixteen weeks, fully paid, for every parent.', 'People handbook', 'handbook/people/leave.md'],
  ['Which laptop models can I order?', 'A 14" MacBook Pro or a ThinkPad X1 Carbon.', 'IT catalog', 'handbook/it/hardware.md'],
  ['How do I rotate the staging database password?', 'Run `ops rotate-secret staging-db` and update the vault entry.', 'Ops wiki', 'https://wiki.example.com/ops/secrets'],
  ['Can I expense a home-office chair?', 'Yes, up to 300 EUR once every three years.', 'Finance policies', 'handbook/finance/home-office.md'],
  ['If a sprint has 10 working days and we lose 3 to holidays, what share is left?', '70%', 'Engineering handbook', 'handbook/eng/planning.md'],
  ['What does <b>"PTO"</b> stand for & when do I request it?', 'Paid time off; request it in the HR portal two weeks ahead.', 'People handbook', 'handbook/people/time-off.md'],
];
const USERS = ['ana', 'bo', 'chen', 'dara', 'eli', 'fatima', 'gus'];
const CHANNELS: [Surface, string | null][] = [['slack', 'C-help'], ['slack', 'C-eng'], ['discord', 'D-general'], ['console', null], ['cli', null]];
const REASONS = ['low_agreement', 'max_steps', 'errors', 'abstained', 'user_flagged'];

/** A seeded pseudo-random source (mulberry32): the same seed gives the same data every run. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function steps(question: string, answer: string, title: string, source: string, sag: boolean, random: () => number): StepRecord[] {
  const query = question.replace(/[?<>"&]/g, '').split(' ').slice(0, 5).join(' ').toLowerCase();
  const searchCode = `// look it up in the handbook\nconst hits = search(${JSON.stringify(query)}, { k: 3 });\nconsole.log(hits.map((h) => h.title + ": " + h.text.slice(0, 80)).join("\\n"));`;
  const finalCode = `final_answer(${JSON.stringify(answer)});`;
  const observation = `${title}: ${answer} See ${source}.`;
  const src = [{ title, source, chunkId: 'c-' + Math.floor(random() * 900 + 100), score: 0.6 + random() * 0.35 }];
  const votes = sag ? 5 + Math.floor(random() * 4) : 1;
  const candidates = sag
    ? [
        { text: 'Thought: search the handbook first.', code: searchCode, observation, error: null, finalAnswer: null, voteKey: observation.toLowerCase().slice(0, 60), votes, chosen: true },
        { text: 'Thought: answer from memory.', code: 'final_answer("I think it depends on your manager.")', observation: '', error: null, finalAnswer: 'I think it depends on your manager.', voteKey: 'i think it depends on your manager', votes: 8 - votes, chosen: false },
        { text: 'Thought: search.', code: 'search(query', observation: '', error: 'SyntaxError: missing ) after argument list', finalAnswer: null, voteKey: null, votes: 0, chosen: false },
      ]
    : undefined;
  const t = () => Math.round(300 + random() * 900);
  return [
    { index: 0, thought: `I should search the handbook for "${query}".`, code: searchCode, observation, error: null, candidates, agreement: sag ? votes / 8 : undefined, sources: src, latencyMs: t(), promptTokens: 380 + Math.floor(random() * 80), completionTokens: 60 + Math.floor(random() * 40) },
    { index: 1, thought: 'The handbook answers it directly.', code: finalCode, observation: answer, error: null, latencyMs: t(), promptTokens: 520 + Math.floor(random() * 80), completionTokens: 30 + Math.floor(random() * 20) },
  ];
}

function trajectory(questionId: string, role: NewTrajectory['role'], qa: (typeof QA)[number], answer: string | null, random: () => number, adapter: string | null): NewTrajectory {
  const st = steps(qa[0], answer ?? qa[1], qa[2], qa[3], role === 'student', random);
  return {
    questionId, role, adapter: role === 'student' ? adapter : null,
    model: role === 'student' ? 'qwen2.5-coder-0.5b-instruct-q4_k_m' : 'qwen2.5-coder-1.5b-instruct-q4_k_m',
    firstThought: role === 'student' ? null : `The question is about ${qa[2].toLowerCase()}; search it.`,
    steps: answer === null ? st.slice(0, 1) : st,
    finalAnswer: answer,
    outcome: answer === null ? 'max_steps' : 'final',
    latencyMs: st.reduce((s, x) => s + x.latencyMs, 0),
    promptTokens: st.reduce((s, x) => s + x.promptTokens, 0),
    completionTokens: st.reduce((s, x) => s + x.completionTokens, 0),
  };
}

export async function seedDemo(store: LogStore, clock: DemoClock, opts: { days?: number; perDay?: number; end?: Date } = {}): Promise<string[]> {
  const days = opts.days ?? 14;
  const end = (opts.end ?? new Date()).getTime();
  const random = seededRandom(42);
  const ids: string[] = [];
  const versionDays = [days - 2, Math.floor(days / 2), 3];
  for (const [i, back] of versionDays.entries()) {
    const created = new Date(end - back * 86_400_000 - 5 * 3_600_000).toISOString();
    await store.upsertModelVersion({
      version: `student-v${i + 1}`, baseModel: 'qwen2.5-coder-0.5b-instruct', adapterPath: `.understudy/models/student-v${i + 1}.gguf`,
      datasetHash: `sha256:${(i + 7).toString(16).repeat(8)}`, evalReport: { accuracy: 0.42 + i * 0.06 }, status: i === 1 ? 'rejected' : 'promoted',
      createdAt: created, promotedAt: i === 1 ? null : new Date(Date.parse(created) + 1_800_000).toISOString(),
    });
  }
  for (let d = days - 1; d >= 0; d--) {
    const adapter = d <= 3 ? 'student-v3' : d <= days - 2 ? 'student-v1' : null;
    const count = (opts.perDay ?? 9) + Math.floor(random() * 6) - 2;
    for (let k = 0; k < count; k++) {
      clock.set(end - d * 86_400_000 - (count - k) * 2_400_000);
      const qa = QA[Math.floor(random() * QA.length)]!;
      const [surface, channel] = CHANNELS[Math.floor(random() * CHANNELS.length)]!;
      const user = USERS[Math.floor(random() * USERS.length)]!;
      const id = await store.createQuestion({ text: qa[0], surface, user, channel });
      ids.push(id);
      if (d === 0 && k === count - 1) continue; // one still pending, as if the bot were mid-answer
      // the student improves as versions get promoted
      const fallback = random() < (adapter === 'student-v3' ? 0.18 : 0.35);
      const studentId = await store.addTrajectory(trajectory(id, 'student', qa, fallback ? null : qa[1], random, adapter));
      let teacherId: string | null = null;
      if (fallback) teacherId = await store.addTrajectory(trajectory(id, 'teacher', qa, qa[1], random, adapter));
      else if (random() < 0.6) await store.addTrajectory(trajectory(id, 'shadow', qa, random() < 0.8 ? qa[1] : 'Ask your manager.', random, adapter));
      const latencyMs = fallback ? 4000 + random() * 9000 : 900 + random() * 2500;
      await store.finishQuestion(id, {
        status: 'answered', route: fallback ? 'teacher' : 'student', reason: fallback ? REASONS[Math.floor(random() * REASONS.length)]! : 'confident',
        answer: qa[1], abstained: false, unverified: false, sources: [{ title: qa[2], source: qa[3], score: 0.8 }], latencyMs, error: null,
      });
      const r = random();
      if (r < 0.45) await store.addFeedback({ questionId: id, trajectoryId: teacherId ?? studentId, user, value: r < 0.36 ? 'up' : 'down', surface });
      if (teacherId && d > 2 && random() < 0.6) await store.curate([teacherId], random() < 0.85 ? 'approved' : 'rejected', random() < 0.5 ? 'ana' : 'eli');
    }
  }
  return ids;
}
