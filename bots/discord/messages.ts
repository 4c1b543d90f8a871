import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions } from 'discord.js';
import type { AskResult } from '../../agent/index.ts';
import { answeredBy, sourceLine, topSources } from '../format.ts';
import { splitMessage } from '../split.ts';

/** Discord's limit for a message's content. */
export const CONTENT_LIMIT = 2000;

const FEEDBACK_PREFIX = 'feedback';

export function feedbackId(value: 'up' | 'down', logId: string): string {
  return `${FEEDBACK_PREFIX}:${value}:${logId}`;
}

export function parseFeedbackId(customId: string): { value: 'up' | 'down'; logId: string } | undefined {
  const m = /^feedback:(up|down):(.+)$/.exec(customId);
  return m ? { value: m[1] as 'up' | 'down', logId: m[2]! } : undefined;
}

/**
 * The answer as one or more messages of at most 2,000 characters, code blocks kept whole; the last
 * carries an embed with who answered and the sources, and the 👍/👎 buttons.
 */
export function answerMessages(r: AskResult, header?: string): BaseMessageOptions[] {
  const text = header ? `${header}\n${r.answer.trim()}` : r.answer.trim();
  const messages: BaseMessageOptions[] = splitMessage(text || '(no answer)', CONTENT_LIMIT).map((content) => ({ content }));
  const embed = new EmbedBuilder().setFooter({ text: answeredBy(r) });
  const sources = topSources(r.sources);
  if (sources.length > 0) embed.setTitle('Sources').setDescription(sources.map((s) => `• ${sourceLine(s)}`.slice(0, 500)).join('\n'));
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(feedbackId('up', r.logId)).setLabel('Helpful').setEmoji('👍').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(feedbackId('down', r.logId)).setLabel('Not helpful').setEmoji('👎').setStyle(ButtonStyle.Secondary),
  );
  Object.assign(messages[messages.length - 1]!, { embeds: [embed], components: [buttons] });
  return messages;
}
