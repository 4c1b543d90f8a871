import { SingleBar } from 'cli-progress';

/** A bar on a terminal; elsewhere (CI, logs) a line every 10 % or 10 s. */
export function progressReporter(what: string, unit: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ stream: process.stderr, format: `${what} {bar} {value}/{total} ${unit} | {eta_formatted} left`, hideCursor: true });
    let started = false;
    return {
      update(done, total) {
        if (!started && total > 0) {
          bar.start(total, done);
          started = true;
        } else if (started) bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastAt = 0;
  let lastPct = -10;
  return {
    update(done, total) {
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (done === total || pct >= lastPct + 10 || Date.now() - lastAt > 10_000) {
        if (total > 0) console.error(`${what} ${done}/${total} ${unit} (${pct}%)`);
        lastAt = Date.now();
        lastPct = pct;
      }
    },
    stop: () => {},
  };
}
