import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueueSetupError, checkRedis, shownUrl } from '../../queue/index.ts';
import { redisOptions } from '../../queue/redis.ts';
import { freePort } from '../services.ts';

test('queue.url: redis:// and rediss:// with credentials and a db; anything else is a clear error; passwords never shown', () => {
  assert.deepEqual(
    { ...redisOptions('redis://app:s%40cret@cache.internal:6380/2'), retryStrategy: undefined },
    { host: 'cache.internal', port: 6380, username: 'app', password: 's@cret', db: 2, tls: undefined, retryStrategy: undefined },
  );
  assert.deepEqual(redisOptions('rediss://cache').tls, {});
  assert.equal(redisOptions('redis://cache').port, 6379);
  assert.throws(() => redisOptions('http://cache:6379'), (e: Error) => e instanceof QueueSetupError && /not a Redis URL: use redis:\/\/HOST:PORT/.test(e.message));
  assert.throws(() => redisOptions('not a url'), (e: Error) => e instanceof QueueSetupError && /is not a URL/.test(e.message));
  assert.equal(shownUrl('redis://app:s%40cret@cache:6380/2'), 'redis://app:***@cache:6380/2');
  assert.equal(shownUrl('redis://cache:6379'), 'redis://cache:6379');
});

test('an unreachable Redis at start is one user-facing line naming the address and the cause', async () => {
  const port = await freePort();
  await assert.rejects(checkRedis(`redis://u:pw@127.0.0.1:${port}`), (e: Error) => {
    assert.ok(e instanceof QueueSetupError && e.userFacing);
    assert.equal(e.message, `cannot reach Redis at redis://u:***@127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}): start it, or fix queue.url / REDIS_URL`);
    return true;
  });
});
