import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AskRequest, AskResult } from '../agent/index.ts';
import { askAgent, sendFeedback, type Outcome } from './ask.ts';
import { BUSY, FAILED, answeredBy, progressText, queuedText, sourceLine, topSources } from './format.ts';
import type { BotAdapter, BotContext } from './types.ts';

const HELP = 'Ask a question. /up or /down rates the last answer, /teacher [question] asks the teacher, /quit leaves.';

export interface ConsoleAdapter extends BotAdapter {
  /** Settles when the user quits or input ends. */
  readonly done: Promise<void>;
}

/** The terminal chat: a readline loop over the same queue and answerer as the chat bots. */
export function createConsoleAdapter(ctx: BotContext, io: { input: Readable; output: Writable } = { input: process.stdin, output: process.stdout }): ConsoleAdapter {
  const user = userInfo().username;
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  const say = (line = ''): void => void io.output.write(`${line}\n`);
  const history: NonNullable<AskRequest['history']> = [];
  let last: { question: string; result: AskResult } | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  function show(r: AskResult): void {
    say(r.answer.trim() || '(no answer)');
    say(`— ${answeredBy(r)}`);
    const sources = topSources(r.sources);
    if (sources.length > 0) say(`Sources:\n${sources.map((s) => `  • ${sourceLine(s)}`).join('\n')}`);
  }

  function showOutcome(o: Outcome | { kind: 'recorded' }): AskResult | undefined {
    if (o.kind === 'answered') show(o.result);
    else if (o.kind === 'busy') say(BUSY);
    else if (o.kind === 'failed') say(FAILED);
    return o.kind === 'answered' ? o.result : undefined;
  }

  async function ask(question: string, forceTeacher = false): Promise<void> {
    let lastLine = '';
    const progress = (line: string) => line !== lastLine && say(`  … ${(lastLine = line)}`);
    const outcome = await askAgent(ctx, { question, surface: 'console', user, history: [...history], forceTeacher }, { onQueued: (n) => progress(queuedText(n)), onProgress: (e) => progress(progressText(e)) });
    const result = showOutcome(outcome);
    if (!result) return;
    last = { question, result };
    history.push({ role: 'user', text: question }, { role: 'assistant', text: result.answer });
    history.splice(0, Math.max(0, history.length - 20));
  }

  async function rate(value: 'up' | 'down'): Promise<void> {
    if (!last) return say('Nothing to rate yet.');
    const outcome = await sendFeedback(ctx, 'console', last.result.logId, user, value);
    if (outcome.kind === 'recorded' || outcome.kind === 'answered') say(`${value === 'up' ? '👍' : '👎'} recorded, thanks.`);
    if (outcome.kind === 'answered') say("The teacher's answer:");
    const teacher = showOutcome(outcome);
    if (teacher) last = { question: last.question, result: teacher };
  }

  async function handle(line: string): Promise<boolean> {
    const [command, ...rest] = line.split(/\s+/);
    switch (command) {
      case '/quit':
      case '/exit':
        return false;
      case '/up':
      case '/down':
        await rate(command === '/up' ? 'up' : 'down');
        return true;
      case '/teacher': {
        const question = rest.join(' ') || last?.question;
        if (question) await ask(question, true);
        else say('Ask a question first, or: /teacher your question');
        return true;
      }
      case '/help':
        say(HELP);
        return true;
      default:
        if (line.startsWith('/')) say(`Unknown command ${command}. ${HELP}`);
        else await ask(line);
        return true;
    }
  }

  async function loop(): Promise<void> {
    say(`understudy chat. ${HELP}`);
    io.output.write('> ');
    for await (const raw of rl) {
      const line = raw.trim();
      if (line !== '' && !(await handle(line))) break;
      io.output.write('> ');
    }
    say();
    rl.close();
  }

  return {
    name: 'console',
    done,
    async start() {
      void loop().catch((e) => ctx.log.error('console: chat failed', e)).finally(finish);
    },
    async stop() {
      rl.close();
      await done;
    },
  };
}
