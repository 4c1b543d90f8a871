import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;
import type { AskResult } from '../../agent/index.ts';
import { answeredBy, sourceLine, topSources } from '../format.ts';
import { splitMessage } from '../split.ts';

/** Slack's limit for a section block's text. */
export const SECTION_LIMIT = 3000;
/** Sections per message: well under the ~13k characters at which Slack refuses a message's blocks. */
const SECTIONS_PER_MESSAGE = 3;

export const FEEDBACK_UP = 'feedback_up';
export const FEEDBACK_DOWN = 'feedback_down';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Standard Markdown bold/links to Slack mrkdwn. */
export function toMrkdwn(md: string): string {
  return md.replace(/\*\*(.+?)\*\*/g, '*$1*').replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<$2|$1>');
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

export function plainMessage(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

function footer(r: AskResult): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'context', elements: [{ type: 'mrkdwn', text: answeredBy(r) }] }];
  const sources = topSources(r.sources);
  if (sources.length > 0) {
    const lines = sources.map((s) => `• ${sourceLine(s)}`.slice(0, 300)).join('\n');
    blocks.push(section(`*Sources*\n${lines}`));
  }
  blocks.push({
    type: 'actions',
    block_id: 'feedback',
    elements: [
      { type: 'button', action_id: FEEDBACK_UP, value: r.logId, text: { type: 'plain_text', text: '👍 Helpful', emoji: true } },
      { type: 'button', action_id: FEEDBACK_DOWN, value: r.logId, text: { type: 'plain_text', text: '👎 Not helpful', emoji: true } },
    ],
  });
  return blocks;
}

/**
 * The answer as one or more messages: sections of at most 3,000 characters, three per message;
 * who answered, the sources and the feedback buttons go on the last one.
 */
export function answerMessages(r: AskResult): SlackMessage[] {
  const sections = splitMessage(toMrkdwn(r.answer.trim() || '(no answer)'), SECTION_LIMIT);
  const messages: SlackMessage[] = [];
  for (let i = 0; i < sections.length; i += SECTIONS_PER_MESSAGE) {
    const part = sections.slice(i, i + SECTIONS_PER_MESSAGE);
    messages.push({ text: part[0]!, blocks: part.map(section) });
  }
  messages[messages.length - 1]!.blocks.push(...footer(r));
  return messages;
}

/** The answer message after feedback: the buttons replaced by who gave it. */
export function withFeedbackNote(blocks: KnownBlock[], note: string): KnownBlock[] {
  return [...blocks.filter((b) => b.type !== 'actions'), { type: 'context', elements: [{ type: 'mrkdwn', text: note }] }];
}
