/** A five-field cron matcher (minute hour day-of-month month day-of-week, UTC): `*`, lists, ranges, steps. */

const RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

export class CronError extends Error {
  readonly userFacing = true;
}

function parseField(field: string, [lo, hi]: [number, number], expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`distill.schedule "${expr}": cannot read "${part}"`);
    const from = m[1] === '*' ? lo : Number(m[2]);
    const to = m[1] === '*' ? hi : m[3] !== undefined ? Number(m[3]) : m[4] ? hi : from;
    const step = m[4] ? Number(m[4]) : 1;
    if (from < lo || to > hi || from > to || step < 1) throw new CronError(`distill.schedule "${expr}": "${part}" is outside ${lo}-${hi}`);
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expr: string): (d: Date) => boolean {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`distill.schedule "${expr}": a cron expression has 5 fields (minute hour day month weekday)`);
  const [min, hour, dom, mon, dow] = fields.map((f, i) => parseField(f, RANGES[i]!, expr)) as Set<number>[];
  if (dow!.has(7)) dow!.add(0);
  const domAny = fields[2] === '*', dowAny = fields[4] === '*';
  return (d) => {
    if (!min!.has(d.getUTCMinutes()) || !hour!.has(d.getUTCHours()) || !mon!.has(d.getUTCMonth() + 1)) return false;
    const domOk = dom!.has(d.getUTCDate()), dowOk = dow!.has(d.getUTCDay());
    // Classic cron: when both day fields are restricted, either may match.
    return domAny || dowAny ? domOk && dowOk : domOk || dowOk;
  };
}

/** The first minute after `from` that the expression matches (searches a year ahead). */
export function nextRun(expr: string, from: Date): Date | null {
  const matches = parseCron(expr);
  const t = new Date(Math.floor(from.getTime() / 60_000) * 60_000 + 60_000);
  for (let i = 0; i < 366 * 24 * 60; i++, t.setTime(t.getTime() + 60_000)) if (matches(t)) return new Date(t);
  return null;
}

/** Runs `job` at every matching minute until the returned function is called. */
export function schedule(expr: string, job: () => Promise<void>, now: () => Date = () => new Date()): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    const next = nextRun(expr, now());
    if (!next || stopped) return;
    timer = setTimeout(() => void job().finally(arm), Math.max(0, next.getTime() - now().getTime()));
    timer.unref();
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
