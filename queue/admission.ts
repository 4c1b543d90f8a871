import type { Redis } from 'ioredis';

/**
 * The bots' limits, shared by every bots process through Redis. `pending` holds each question
 * (and 👎/👍) that was accepted and has not ended, `user:<key>` those of one user handed to the
 * workers. Members carry a lease (Redis's clock + leaseMs) their bots process renews while it
 * waits: one that died frees its slots when its leases run out.
 */
const ADMIT = `
local now = redis.call('TIME')
local t = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local expiry = t + tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', t)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
  redis.call('ZADD', KEYS[1], expiry, ARGV[1])
  redis.call('PEXPIREAT', KEYS[1], expiry)
end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 1 end
  redis.call('ZADD', KEYS[2], expiry, ARGV[1])
  redis.call('PEXPIREAT', KEYS[2], expiry)
end
return 2`;

const RENEW = `
local now = redis.call('TIME')
local expiry = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, expiry, ARGV[1])
  redis.call('PEXPIREAT', key, expiry)
end
return 1`;

/** Full: the user is told to wait. Wait: the user's slots are taken; asked again as theirs end. Go: hand it to the workers. */
export type Verdict = 'full' | 'wait' | 'go';
const VERDICTS: Verdict[] = ['full', 'wait', 'go'];

export interface Limits {
  queueSize: number;
  perUserConcurrency: number;
  leaseMs: number;
}

export class Admission {
  constructor(private readonly redis: Redis, private readonly limits: Limits, private readonly prefix = 'understudy:limits') {}

  private keys(user: string): [string, string] {
    return [`${this.prefix}:pending`, `${this.prefix}:user:${user}`];
  }

  /** Atomically: accepted (if the queue has room) and, if the user has a free slot, handed over. Asking again for an accepted id only retries the user's slot. */
  async admit(id: string, user: string): Promise<Verdict> {
    const { queueSize, perUserConcurrency, leaseMs } = this.limits;
    const n = (await this.redis.eval(ADMIT, 2, ...this.keys(user), id, leaseMs, queueSize, perUserConcurrency)) as number;
    return VERDICTS[n]!;
  }

  /** Extends the leases of questions this process still waits for (re-adding any Redis lost). */
  async renew(id: string, user: string, handedOver: boolean): Promise<void> {
    const [pending, mine] = this.keys(user);
    const keys = handedOver ? [pending, mine] : [pending];
    await this.redis.eval(RENEW, keys.length, ...keys, id, this.limits.leaseMs);
  }

  async release(id: string, user: string): Promise<void> {
    const [pending, mine] = this.keys(user);
    await this.redis.multi().zrem(pending, id).zrem(mine, id).exec();
  }
}
