import {
  Client, Events, GatewayIntentBits, MessageFlags, Partials,
  type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type Message, type SendableChannels,
} from 'discord.js';
import type { AskRequest } from '../../agent/index.ts';
import { askAgent, sendFeedback, type Outcome } from '../ask.ts';
import { BUSY, FAILED, progressText, queuedText } from '../format.ts';
import { latestOnly } from '../throttle.ts';
import type { BotAdapter, BotContext } from '../types.ts';
import { askCommand } from './commands.ts';
import { answerMessages, parseFeedbackId } from './messages.ts';

/** Discord shows "typing…" for 10 s; renew it a little sooner while the agent works. */
const TYPING_RENEW_MS = 8000;
/** Progress edits of a deferred /ask reply, at most one per second (webhook edits are rate limited). */
const PROGRESS_GAP_MS = 1000;

const stripMentions = (text: string) => text.replace(/<@!?\d+>/g, '').replace(/\s+/g, ' ').trim();

export interface DiscordOptions {
  /** Test-only: the REST base of a local fake server, e.g. `http://127.0.0.1:PORT/api`; the gateway URL comes from its /gateway/bot. */
  apiUrl?: string;
}

/**
 * Discord through discord.js: mentions (answered in a thread), DMs, follow-ups in the bot's own
 * threads, `/ask` (deferred, then edited) and 👍/👎 buttons. discord.js reconnects/resumes the
 * gateway and queues REST calls under Discord's rate limits.
 */
export function createDiscordAdapter(ctx: BotContext, opts: DiscordOptions = {}): BotAdapter {
  const { discord } = ctx.config;
  // Test-only, for tests that run the bot through the real CLI process; not a user setting.
  const apiUrl = opts.apiUrl ?? process.env.UNDERSTUDY_TEST_DISCORD_API_URL;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: apiUrl ? { api: apiUrl } : {},
  });

  async function whileTyping<T>(channel: SendableChannels, work: () => Promise<T>): Promise<T> {
    const type = () => channel.sendTyping().catch((e) => ctx.log.error('discord: typing failed', e));
    void type();
    const timer = setInterval(type, TYPING_RENEW_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  async function history(channel: SendableChannels, before: string): Promise<AskRequest['history']> {
    if (!channel.isThread()) return undefined;
    const recent = await channel.messages.fetch({ limit: 20, before });
    return [...recent.values()]
      .reverse()
      .map((m) => ({ role: m.author.id === client.user?.id ? ('assistant' as const) : ('user' as const), text: stripMentions(m.content) }))
      .filter((t) => t.text !== '');
  }

  /** Every bots process logged in with this token gets each event: the one that claims it answers. */
  const claimed = (id: string) => ctx.dispatcher.claim(`discord:${id}`);

  async function onMessage(m: Message): Promise<void> {
    if (m.author.bot || !client.user) return;
    const me = client.user.id;
    const ownThread = m.channel.isThread() && m.channel.ownerId === me;
    if (m.inGuild() && !m.mentions.users.has(me) && !ownThread) return;
    const question = stripMentions(m.content);
    if (!question || !(await claimed(m.id))) return;
    let channel: SendableChannels = m.channel as SendableChannels;
    if (m.inGuild() && !m.channel.isThread()) {
      channel = await m.startThread({ name: question.slice(0, 90) }).catch((e) => {
        ctx.log.error('discord: could not start a thread, answering in the channel', e);
        return channel;
      });
    }
    const outcome = await whileTyping(channel, async () => {
      const past = ownThread ? await history(channel, m.id).catch((e) => void ctx.log.error('discord: could not read the thread', e)) : undefined;
      return askAgent(ctx, { question, surface: 'discord', user: m.author.id, channel: m.channelId, history: past ?? undefined });
    });
    for (const part of outcomeMessages(outcome)) await channel.send(part);
  }

  const outcomeMessages = (o: Outcome) => (o.kind === 'answered' ? answerMessages(o.result) : [{ content: o.kind === 'busy' ? BUSY : FAILED }]);

  async function onAsk(i: ChatInputCommandInteraction): Promise<void> {
    if (!(await claimed(i.id))) return;
    await i.deferReply();
    const progress = latestOnly((content: string) => i.editReply({ content }), PROGRESS_GAP_MS, (e) => ctx.log.error('discord: progress edit failed', e));
    const outcome = await askAgent(
      ctx,
      { question: i.options.getString('question', true), surface: 'discord', user: i.user.id, channel: i.channelId },
      { onQueued: (ahead) => progress.push(queuedText(ahead)), onProgress: (e) => progress.push(progressText(e)) },
    );
    await progress.close();
    const [first, ...rest] = outcomeMessages(outcome);
    await i.editReply(first!);
    for (const part of rest) await i.followUp(part);
  }

  async function onButton(i: ButtonInteraction): Promise<void> {
    const fb = parseFeedbackId(i.customId);
    if (!fb || !(await claimed(i.id))) return;
    // Answer the interaction within Discord's 3 s: drop the buttons now, a 👎 may take a teacher run.
    await i.update({ components: [] });
    const outcome = await sendFeedback(ctx, 'discord', fb.logId, i.user.id, fb.value);
    if (outcome.kind === 'busy' || outcome.kind === 'failed') {
      await i.followUp({ content: outcome.kind === 'busy' ? BUSY : FAILED, flags: MessageFlags.Ephemeral });
      return;
    }
    await i.followUp({ content: `${fb.value === 'up' ? '👍' : '👎'} Thanks, <@${i.user.id}>: feedback recorded.`, allowedMentions: { parse: [] } });
    if (outcome.kind === 'answered') for (const part of answerMessages(outcome.result, "**The teacher's answer:**")) await i.followUp(part);
  }

  const guard = (what: string, work: Promise<void>) => work.catch((e) => ctx.log.error(`discord: ${what} failed`, e));

  client.on(Events.MessageCreate, (m) => void guard('message', onMessage(m)));
  client.on(Events.InteractionCreate, (i: Interaction) => {
    if (i.isChatInputCommand() && i.commandName === askCommand.name) void guard('/ask', onAsk(i));
    else if (i.isButton()) void guard('feedback', onButton(i));
  });
  client.on(Events.ShardResume, () => ctx.log.info('discord: gateway session resumed'));
  client.on(Events.Error, (e) => ctx.log.error('discord: client error', e));

  return {
    name: 'discord',
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(discord.token);
      await ready;
      await client.application!.commands.set([askCommand.toJSON()]);
      ctx.log.info(`discord: logged in as ${client.user?.tag}, /ask registered`);
    },
    async stop() {
      await client.destroy();
    },
  };
}
