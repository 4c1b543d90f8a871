import type { Config } from '../config/index.ts';
import { startNightly } from '../queue/index.ts';
import { nextRun, schedule } from '../training/index.ts';

/**
 * Runs the nightly job on `distill.schedule` until the returned stop is called: on the cluster's
 * one schedule in Redis when `cluster` (each tick runs once, in one process of the cluster), else
 * by a cron in this process. `runJob` returns the line that says how the run ended.
 */
export async function keepNightly(config: Config, runJob: () => Promise<string>, log: (line: string) => void, cluster: boolean): Promise<() => Promise<void>> {
  if (cluster) {
    const nightly = await startNightly(config, runJob, log);
    return () => nightly.close();
  }
  const expr = config.distill.schedule!;
  const logNext = () => log(`nightly: next run ${nextRun(expr, new Date())?.toISOString()} (distill.schedule "${expr}" UTC)`);
  logNext();
  const stop = schedule(expr, async () => {
    await runJob().then((line) => log(`nightly: ${line}`), (e: unknown) => log(`nightly: failed: ${String(e)}`));
    logNext();
  });
  return async () => stop();
}
