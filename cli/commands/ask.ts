import { Command, InvalidArgumentError } from 'commander';
import { createAgent, type AskResult } from '../../agent/index.ts';
import { disposeModels } from '../../engine/index.ts';
import { configFor } from '../context.ts';
import { withPromotedStudent } from '../student-version.ts';

function sagCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new InvalidArgumentError('expected an integer from 1 to 32');
  return n;
}

/** The `--json` shape (documented in the README). */
export function askJson(r: AskResult): Record<string, unknown> {
  return {
    answer: r.answer,
    route: r.route,
    reason: r.reason,
    abstained: r.abstained,
    unverified: r.unverified,
    sources: r.sources.map((s) => ({ title: s.title, source: s.source, score: s.score })),
    steps: r.steps,
    latency_ms: Math.round(r.latencyMs),
    models: r.models,
    log_id: r.logId,
  };
}

function human(r: AskResult): string {
  const who = r.route === 'teacher' ? `the teacher (${r.models.teacher})` : `the student (${r.models.student}${r.models.adapter ? ` + ${r.models.adapter}` : ''})`;
  const lines = [r.answer, ''];
  if (r.unverified) lines.push(r.route === 'teacher' ? '(unverified: the documents do not support this answer)' : '(unverified: the teacher could not check this answer)');
  if (r.sources.length) {
    lines.push('Sources:');
    for (const s of r.sources) lines.push(`  - ${s.title} (${s.source}, ${s.score.toFixed(2)})`);
  }
  lines.push(`Answered by ${who} in ${r.steps} step${r.steps === 1 ? '' : 's'}, ${(r.latencyMs / 1000).toFixed(1)} s: ${r.reason}.`, `log id: ${r.logId}`);
  return lines.join('\n');
}

export function askCommand(program: Command): void {
  program
    .command('ask')
    .description('answer one question with the agent (student first, teacher when needed)')
    .argument('<question>', 'the question')
    .option('--json', 'print exactly one JSON object on stdout (progress goes to stderr)')
    .option('--collection <name>', 'the Chroma collection to search (default: chroma.collection)')
    .option('--no-teacher', 'never escalate to the teacher')
    .option('--sag <n>', 'SAG candidates per student step (default: agent.sagN)', sagCount)
    .action(async (question: string, opts: { json?: boolean; collection?: string; teacher: boolean; sag?: number }, cmd: Command) => {
      const config = withPromotedStudent(
        configFor(cmd, {
          ...(opts.sag ? { 'agent.sagN': opts.sag } : {}),
          ...(opts.teacher ? {} : { 'teacher.provider': 'none' }),
        }),
      );
      // stdout carries only the answer: anything a library prints goes to stderr.
      const print = process.stdout.write.bind(process.stdout);
      console.log = (...args: unknown[]) => console.error(...args);
      const agent = await createAgent(config);
      try {
        const result = await agent.ask({
          question,
          surface: 'cli',
          user: process.env.USER,
          collection: opts.collection ?? config.chroma.collection,
          allowTeacher: opts.teacher,
          onProgress: opts.json ? undefined : (e) => console.error(`… ${e.kind === 'step' ? `${e.who} step ${e.step}/${e.maxSteps}` : e.kind === 'search' ? `search: ${e.query}` : e.kind === 'escalate' ? `asking the teacher: ${e.reason}` : 'running code'}`),
        });
        print(`${opts.json ? JSON.stringify(askJson(result)) : human(result)}\n`);
      } finally {
        await agent.close();
        await disposeModels();
      }
    });
}
