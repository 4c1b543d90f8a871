import type { webApi } from '@slack/bolt';
import type { AskRequest } from '../../agent/index.ts';

type History = NonNullable<AskRequest['history']>;

/** `<@U123>` mentions out of a message, so the question reads as the user meant it. */
export function stripMentions(text: string): string {
  return text.replace(/<@[A-Z0-9]+>/g, '').replace(/\s+/g, ' ').trim();
}

/** The replies of a thread, oldest first (one page: long threads keep their latest 100 messages). */
export async function threadReplies(client: webApi.WebClient, channel: string, threadTs: string) {
  const res = await client.conversations.replies({ channel, ts: threadTs, limit: 100 });
  return res.messages ?? [];
}

/** The thread before the current message as conversation turns; the bot's messages are the assistant's. */
export function toHistory(messages: Awaited<ReturnType<typeof threadReplies>>, currentTs: string, botUserId: string | undefined): History {
  return messages
    .filter((m) => m.ts !== currentTs && m.text)
    .map((m) => ({
      role: m.bot_id || (botUserId && m.user === botUserId) ? ('assistant' as const) : ('user' as const),
      text: stripMentions(m.text ?? ''),
    }))
    .filter((t) => t.text !== '')
    .slice(-20);
}
