import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type BlockAction, type ButtonAction, type types, type webApi } from '@slack/bolt';
import type { AskResult } from '../../agent/index.ts';
import { SeenKeys } from '../../queue/index.ts';
import { askAgent, sendFeedback } from '../ask.ts';
import { BUSY, FAILED, THINKING, progressText, queuedText } from '../format.ts';
import { latestOnly } from '../throttle.ts';
import type { BotAdapter, BotContext } from '../types.ts';
import { FEEDBACK_DOWN, FEEDBACK_UP, answerMessages, plainMessage, withFeedbackNote, type SlackMessage } from './blocks.ts';
import { stripMentions, threadReplies, toHistory } from './thread.ts';

type Client = webApi.WebClient;

interface Question {
  channel: string;
  user: string;
  text: string;
  ts: string;
  /** The thread the message is in, if any. */
  threadTs?: string;
  isDm: boolean;
  botUserId?: string;
}

export interface SlackAdapter extends BotAdapter {
  /** The HTTP receiver's address once started (undefined in Socket Mode). */
  readonly url: string | undefined;
}

/** Progress edits at most once a second per message: chat.update is rate limited per workspace. */
const PROGRESS_GAP_MS = 1000;

export interface SlackOptions {
  /** Test-only: the Web API base of a local fake server (default: Slack's). */
  apiUrl?: string;
}

/**
 * Slack through Bolt: app mentions and DMs, answered in a thread; follow-ups in a thread the bot
 * is part of need no mention. Socket Mode when an app token is set, else the HTTP receiver
 * (signature verification on).
 */
export function createSlackAdapter(ctx: BotContext, opts: SlackOptions = {}): SlackAdapter {
  const { slack } = ctx.config;
  // Test-only, for tests that run the bot through the real CLI process; not a user setting.
  const apiUrl = opts.apiUrl ?? process.env.UNDERSTUDY_TEST_SLACK_API_URL;
  const socketMode = Boolean(slack.appToken);
  const app = new App({
    token: slack.botToken,
    signingSecret: slack.signingSecret,
    appToken: slack.appToken,
    socketMode,
    logLevel: LogLevel.WARN,
    clientOptions: apiUrl ? { slackApiUrl: apiUrl } : undefined,
  });
  const botThreads = new SeenKeys(24 * 3_600_000);
  let url: string | undefined;

  const update = (client: Client, channel: string, ts: string, m: SlackMessage) => client.chat.update({ channel, ts, text: m.text, blocks: m.blocks });

  async function postAnswer(client: Client, channel: string, ts: string, thread: string | undefined, r: AskResult, header?: string): Promise<void> {
    const [first, ...rest] = answerMessages(r);
    if (header) first!.blocks.unshift(plainMessage(header).blocks[0]!);
    await update(client, channel, ts, first!);
    for (const m of rest) await client.chat.postMessage({ channel, thread_ts: thread, text: m.text, blocks: m.blocks });
  }

  async function answer(client: Client, q: Question): Promise<void> {
    const thread = q.threadTs ?? (q.isDm ? undefined : q.ts);
    const posted = await client.chat.postMessage({ channel: q.channel, thread_ts: thread, ...plainMessage(THINKING) });
    const ts = posted.ts!;
    if (thread) botThreads.first(`${q.channel}:${thread}`);
    const history = q.threadTs
      ? await threadReplies(client, q.channel, q.threadTs).then(
          (replies) => toHistory(replies.filter((m) => m.ts !== ts), q.ts, q.botUserId),
          (e) => void ctx.log.error('slack: could not read the thread, answering without it', e),
        )
      : undefined;
    const progress = latestOnly((text: string) => update(client, q.channel, ts, plainMessage(text)), PROGRESS_GAP_MS, (e) => ctx.log.error('slack: progress update failed', e));
    const outcome = await askAgent(
      ctx,
      { question: q.text, surface: 'slack', user: q.user, channel: q.channel, history },
      { onQueued: (ahead) => progress.push(queuedText(ahead)), onProgress: (e) => progress.push(progressText(e)) },
    );
    await progress.close();
    try {
      if (outcome.kind === 'answered') await postAnswer(client, q.channel, ts, thread, outcome.result);
      else await update(client, q.channel, ts, plainMessage(outcome.kind === 'busy' ? BUSY : FAILED));
    } catch (e) {
      ctx.log.error('slack: could not post the answer', e);
      await update(client, q.channel, ts, plainMessage(FAILED)).catch(() => {});
    }
  }

  const run = (client: Client, q: Question) => answer(client, q).catch((e) => ctx.log.error('slack: question failed', e));

  // Slack retries a delivery it thinks we missed (X-Slack-Retry-Num), maybe to another bots process: answer each event_id once.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !(await ctx.dispatcher.claim(`slack:${eventId}`))) return;
    await next();
  });

  app.event('app_mention', async ({ event, client, context }) => {
    if (!event.user) return;
    void run(client, { channel: event.channel, user: event.user, text: stripMentions(event.text), ts: event.ts, threadTs: event.thread_ts, isDm: false, botUserId: context.botUserId });
  });

  app.event('message', async ({ event, client, context }) => {
    if (event.subtype !== undefined || event.bot_id || !event.user || !event.text) return;
    const isDm = event.channel_type === 'im';
    const mentioned = context.botUserId !== undefined && event.text.includes(`<@${context.botUserId}>`);
    const q: Question = { channel: event.channel, user: event.user, text: stripMentions(event.text), ts: event.ts, threadTs: event.thread_ts, isDm, botUserId: context.botUserId };
    if (isDm) return void run(client, q);
    if (mentioned || !event.thread_ts) return; // app_mention answers mentions; plain channel chatter is not for us
    if (await inBotThread(client, event.channel, event.thread_ts, context.botUserId)) void run(client, q);
  });

  async function inBotThread(client: Client, channel: string, threadTs: string, botUserId: string | undefined): Promise<boolean> {
    const key = `${channel}:${threadTs}`;
    if (!botThreads.first(key)) return true;
    const replies = await threadReplies(client, channel, threadTs);
    const mine = botUserId !== undefined && replies.some((m) => m.user === botUserId);
    if (!mine) botThreads.forget(key);
    return mine;
  }

  app.action<BlockAction<ButtonAction>>(new RegExp(`^(${FEEDBACK_UP}|${FEEDBACK_DOWN})$`), async ({ ack, body, action, client }) => {
    await ack();
    const value = action.action_id === FEEDBACK_UP ? 'up' : 'down';
    const user = body.user.id;
    const channel = body.channel?.id;
    const message = body.message;
    const outcome = await sendFeedback(ctx, 'slack', action.value ?? '', user, value);
    if (!channel || !message) return;
    const note = outcome.kind === 'answered' || outcome.kind === 'recorded' ? `${value === 'up' ? '👍' : '👎'} from <@${user}>, thanks` : undefined;
    try {
      if (note) await client.chat.update({ channel, ts: message.ts, text: message.text ?? '', blocks: withFeedbackNote((message.blocks ?? []) as types.KnownBlock[], note) });
      else await client.chat.postEphemeral({ channel, user, text: outcome.kind === 'busy' ? BUSY : FAILED });
      if (outcome.kind === 'answered') {
        const thread = (message.thread_ts as string | undefined) ?? message.ts;
        const posted = await client.chat.postMessage({ channel, thread_ts: thread, ...plainMessage('Asking the teacher…') });
        await postAnswer(client, channel, posted.ts!, thread, outcome.result, "The teacher's answer:");
      }
    } catch (e) {
      ctx.log.error('slack: could not show feedback', e);
    }
  });

  app.error(async (e) => ctx.log.error('slack: bolt error', e));

  return {
    name: 'slack',
    get url() {
      return url;
    },
    async start() {
      const server = (await app.start(slack.port)) as Server | undefined;
      if (!socketMode && server?.address) {
        const { port } = server.address() as AddressInfo;
        url = `http://127.0.0.1:${port}/slack/events`;
      }
      ctx.log.info(socketMode ? 'slack: connected in Socket Mode' : `slack: listening on ${url}`);
    },
    async stop() {
      await app.stop();
    },
  };
}
