import type { AskResult, ProgressEvent } from '../agent/index.ts';
import type { SourceRef } from '../store/index.ts';

export const THINKING = 'Thinking…';
export const BUSY = 'I have too many questions right now and could not take yours. Please wait a minute and ask again.';
export const FAILED = 'Sorry, something went wrong while answering. Please try again in a moment.';

export function progressText(e: ProgressEvent): string {
  switch (e.kind) {
    case 'step':
      return `Thinking… step ${e.step} of ${e.maxSteps}${e.who === 'teacher' ? ' (teacher)' : ''}`;
    case 'search':
      return `Searching the docs for “${e.query.slice(0, 80)}”…`;
    case 'code':
      return 'Running code…';
    case 'escalate':
      return 'Asking the teacher…';
  }
}

export function queuedText(ahead: number): string {
  return ahead === 0 ? 'Queued: you are next…' : `Queued: ${ahead} question${ahead === 1 ? '' : 's'} ahead of yours…`;
}

/**
 * "Answered by the teacher model in 12.3 s · 2 sources", plus the caveats a reader must see. The
 * model's file name is for operators: `understudy ask` and the admin UI show it.
 */
export function answeredBy(r: AskResult): string {
  let line = `Answered by the ${r.route} model in ${(r.latencyMs / 1000).toFixed(1)} s`;
  const sources = topSources(r.sources).length;
  if (sources > 0) line += ` · ${sources} source${sources === 1 ? '' : 's'}`;
  if (r.unverified) line += r.route === 'teacher' ? ' · unverified: not found in the documents' : ' · unverified: the teacher was unreachable';
  if (r.abstained) line += ' · not sure';
  return line;
}

/** Distinct sources, best first, at most five. */
export function topSources(sources: SourceRef[], max = 5): SourceRef[] {
  const seen = new Set<string>();
  return [...sources]
    .sort((a, b) => b.score - a.score)
    .filter((s) => !seen.has(s.source) && seen.add(s.source))
    .slice(0, max);
}

export function sourceLine(s: SourceRef): string {
  return s.title && s.title !== s.source ? `${s.title} (${s.source})` : s.source;
}
