import type { Command } from 'commander';
import { health, storeProbe, type Probe } from '../../admin/index.ts';
import type { Config } from '../../config/index.ts';
import { checkRedis } from '../../queue/index.ts';
import { pingChroma } from '../../retrieval/index.ts';
import { openStore } from '../../store/index.ts';
import { configFor } from '../context.ts';

/** What a process of this config depends on: the log store, and Redis and Chroma when they are servers of their own. */
export function dependencyProbes(config: Config): Record<string, Probe> {
  const probes: Record<string, Probe> = {
    store: async () => {
      const store = await openStore(config);
      try {
        return await storeProbe(store)();
      } finally {
        await store.close();
      }
    },
  };
  const { url: redisUrl } = config.queue;
  if (redisUrl) probes.queue = () => checkRedis(redisUrl);
  const chromaUrl = config.chroma.url;
  if (chromaUrl) probes.chroma = () => pingChroma(chromaUrl);
  return probes;
}

export function healthCommand(program: Command): void {
  program
    .command('health')
    .description('check what this configuration depends on (the log store; Redis and Chroma when configured) and print the report; exits 1 when one fails (container health checks)')
    .action(async (_opts, cmd: Command) => {
      const report = await health(dependencyProbes(configFor(cmd)));
      console.log(JSON.stringify(report));
      if (report.status !== 'ok') process.exitCode = 1;
    });
}
