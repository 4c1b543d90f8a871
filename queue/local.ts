import type { Answerer, AskResult } from '../agent/index.ts';
import type { Surface } from '../store/index.ts';
import { AskQueue, QueueFullError, type QueueLimits } from './ask-queue.ts';
import { SeenKeys } from './seen-keys.ts';
import { userKey, type Dispatcher, type Outcome, type QueueLog } from './types.ts';

/** The agent in this process behind the bounded in-process queue: `serve --role all` and `chat`, no Redis. */
export function localDispatcher(limits: QueueLimits, answerer: Answerer, log: QueueLog): Dispatcher {
  const queue = new AskQueue(limits);
  const deliveries = new SeenKeys();

  async function queued(surface: Surface, user: string | undefined, what: string, work: () => Promise<AskResult | undefined>, onQueued?: (ahead: number) => void): Promise<Outcome> {
    try {
      const result = await queue.submit(userKey(surface, user), work, onQueued);
      return result ? { kind: 'answered', result } : { kind: 'failed' };
    } catch (e) {
      if (e instanceof QueueFullError) return { kind: 'busy' };
      log.error(`${surface}: ${what} from ${user ?? 'anonymous'} failed`, e);
      return { kind: 'failed' };
    }
  }

  return {
    claim: async (key) => deliveries.first(key),
    ask: (req, hooks = {}) => queued(req.surface, req.user, 'question', () => answerer.ask({ ...req, onProgress: hooks.onProgress }), hooks.onQueued),
    async feedback({ logId, user, value, surface }) {
      let recorded = false;
      const outcome = await queued(surface, user, 'feedback', async () => {
        const r = await answerer.feedback(logId, user, value, surface);
        recorded = true;
        return r;
      });
      return outcome.kind === 'failed' && recorded ? { kind: 'recorded' } : outcome;
    },
    close: async () => {},
  };
}
