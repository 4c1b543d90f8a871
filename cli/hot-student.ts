import { createAgent, openAgentDeps, type Agent, type AgentDeps } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import { currentStudentVersion, watchStudentVersion, type StudentVersion } from '../models/index.ts';

export interface HotAgentOptions {
  /** How often the registry pointer is polled to load a new version ahead of the next question (ms). */
  pollMs?: number;
  /** Builds the agent of one version (default createAgent; tests wrap it). */
  build?: (config: Config, deps: AgentDeps) => Promise<Agent>;
}

interface Slot {
  version: string | null;
  adapter: string | null;
  agent: Agent;
  /** Questions (and 👎 re-asks) running on this agent. */
  busy: number;
  retired: boolean;
  closed: boolean;
}

const label = (v: string | null) => v ?? 'base';

/**
 * The agent of a long-running process (`serve`, `chat`) with hot reload of the student: before
 * each question, and on a poll of the registry pointer in between, it compares the promoted
 * version (`models promote`, `models rollback`, a nightly promotion) with the one it serves. On a
 * change it builds a new agent on the new adapter; new questions go to it, answers in progress
 * finish on the old one, which is closed once idle. The store and the search index are shared.
 * A config that names `models.studentAdapter` pins the student: no reloading.
 */
export async function createHotAgent(config: Config, deps: AgentDeps = {}, opts: HotAgentOptions = {}): Promise<Agent> {
  const build = opts.build ?? createAgent;
  if (config.models.studentAdapter) return build(config, deps);
  const shared = await openAgentDeps(config, deps);
  const { log, store, retriever } = shared;
  const forVersion = (v: StudentVersion) => build(v.adapterPath ? { ...config, models: { ...config.models, studentAdapter: v.adapterPath } } : config, shared);

  const first = currentStudentVersion(config);
  let slot: Slot;
  try {
    slot = { version: first.version, adapter: first.adapterPath, agent: await forVersion(first), busy: 0, retired: false, closed: false };
  } catch (e) {
    if (deps.retriever === undefined) await retriever?.close();
    if (!deps.store) await store.close();
    throw e;
  }
  if (first.version) log(`student: serving ${first.version}${first.adapterPath ? '' : ' (its adapter.gguf is missing: the base student)'}`);

  let swapping: Promise<void> | undefined;
  /** The adapter whose load failed: not retried until the pointer moves elsewhere. */
  let failed: string | null | undefined;
  /** Retired agents that still finish answers. */
  const draining = new Set<Slot>();
  const closing = new Set<Promise<void>>();

  const close = (s: Slot) => {
    if (s.closed) return;
    s.closed = true;
    draining.delete(s);
    const done = s.agent
      .close()
      .then(() => log(`student: ${label(s.version)} closed`))
      .catch((e: Error) => log(`student: closing ${label(s.version)} failed: ${e.message}`))
      .finally(() => closing.delete(done));
    closing.add(done);
  };

  const swap = async (want: StudentVersion) => {
    let agent: Agent;
    try {
      agent = await forVersion(want);
    } catch (e) {
      failed = want.adapterPath;
      log(`student: cannot load ${label(want.version)} (${(e as Error).message}); ${label(slot.version)} keeps serving`);
      return;
    }
    failed = undefined;
    const old = slot;
    slot = { version: want.version, adapter: want.adapterPath, agent, busy: 0, retired: false, closed: false };
    old.retired = true;
    const inFlight = old.busy ? ` (${old.busy === 1 ? '1 answer in progress stays' : `${old.busy} answers in progress stay`} on ${label(old.version)})` : '';
    log(`student: ${label(old.version)} → ${label(want.version)}${want.adapterPath ? ` (${want.adapterPath})` : ''}${inFlight}`);
    if (old.busy === 0) close(old);
    else draining.add(old);
  };

  /** The slot new work goes to, after loading the promoted version if it changed. */
  const current = async (): Promise<Slot> => {
    let want: StudentVersion | null = null;
    try {
      want = currentStudentVersion(config);
    } catch (e) {
      log(`student: cannot read the model registry (${(e as Error).message}); ${label(slot.version)} keeps serving`);
    }
    if (!swapping && want && want.adapterPath !== slot.adapter && want.adapterPath !== failed) {
      swapping = swap(want).finally(() => (swapping = undefined));
    }
    if (swapping) await swapping;
    return slot;
  };

  const run = async <T>(fn: (agent: Agent) => Promise<T>): Promise<T> => {
    const s = await current();
    s.busy++;
    try {
      return await fn(s.agent);
    } finally {
      s.busy--;
      if (s.retired && s.busy === 0) close(s);
    }
  };

  const stopWatching = watchStudentVersion(config, () => void current(), opts.pollMs);
  return {
    ask: (req) => run((a) => a.ask(req)),
    feedback: (...args) => run((a) => a.feedback(...args)),
    async close() {
      stopWatching();
      await swapping;
      for (const s of [...draining, slot]) close(s);
      await Promise.all([...closing]);
      if (deps.retriever === undefined) await retriever?.close();
      if (!deps.store) await store.close();
    },
  };
}
