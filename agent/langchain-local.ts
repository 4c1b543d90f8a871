import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { ChatTurn } from './llm.ts';
import type { LocalModel } from '../engine/index.ts';

export interface ChatLlamaCppParams extends BaseChatModelParams {
  model: LocalModel;
  maxTokens: number;
  temperature?: number;
}

function turnOf(m: BaseMessage): ChatTurn {
  const type = m.getType();
  const role = type === 'system' ? 'system' : type === 'ai' ? 'assistant' : 'user';
  return { role, content: m.text };
}

/**
 * The embedded teacher: a langchain chat model over a GGUF run in-process by node-llama-cpp.
 * A trailing AI message is continued, not answered (the first-thought prefix relies on it).
 */
export class ChatLlamaCpp extends BaseChatModel<BaseChatModelCallOptions> {
  readonly llama: LocalModel;
  readonly maxTokens: number;
  readonly temperature: number;

  constructor(params: ChatLlamaCppParams) {
    super(params);
    this.llama = params.model;
    this.maxTokens = params.maxTokens;
    this.temperature = params.temperature ?? 0;
  }

  _llmType(): string {
    return 'llama-cpp-local';
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const turns = messages.map(turnOf);
    const prefix = turns.at(-1)?.role === 'assistant' ? turns.pop()!.content : '';
    const gen = await this.llama.generate(turns, {
      n: 1,
      maxTokens: this.maxTokens,
      temperature: this.temperature,
      topP: 1,
      stop: options.stop ?? [],
      prefix,
      signal: options.signal,
    });
    const text = gen.texts[0] ?? '';
    const message = new AIMessage({
      content: text,
      usage_metadata: { input_tokens: gen.promptTokens, output_tokens: gen.completionTokens, total_tokens: gen.promptTokens + gen.completionTokens },
    });
    return { generations: [{ text, message }] };
  }
}
