// Shared set-up for the sandbox tests: a sandbox whose tools record every real call.
import assert from 'node:assert/strict';
import { Sandbox, type HostTool, type SandboxOptions } from '../../sandbox/index.ts';

export interface Fixture {
  sandbox: Sandbox;
  /** Every call that reached a host tool, in order. */
  hostCalls: { name: string; args: unknown[] }[];
}

export async function fixture(opts: Partial<SandboxOptions> = {}, extraTools: Record<string, HostTool> = {}): Promise<Fixture> {
  const hostCalls: Fixture['hostCalls'] = [];
  const record = (name: string, tool: HostTool): HostTool => (...args) => {
    hostCalls.push({ name, args });
    return tool(...args);
  };
  const tools: Record<string, HostTool> = {
    search: record('search', async (query, k = 3) => {
      await new Promise((r) => setTimeout(r, 1));
      return Array.from({ length: Number(k) }, (_, i) => `passage ${i + 1} about ${String(query)}`);
    }),
    ...Object.fromEntries(Object.entries(extraTools).map(([n, t]) => [n, record(n, t)])),
  };
  const sandbox = await Sandbox.create({ memoryMb: 64, timeoutMs: 5000, maxOutputChars: 50_000, tools, ...opts });
  return { sandbox, hostCalls };
}

/** After an attack: a normal action in the same sandbox still works and still sees `before` (41). */
export async function assertStillWorks(sandbox: Sandbox): Promise<void> {
  const next = await sandbox.run('print("still", 1 + 1)\nbefore + 1');
  assert.equal(next.error, null, JSON.stringify(next.error));
  assert.equal(next.output, 'still 2\n');
  assert.equal(next.value, '42');
}

/** "p50 X ms, max Y ms over N actions" for the times the sandbox's time limits took to end actions. */
export function limitSummary(ms: number[]): string {
  if (ms.length === 0) return 'none fired';
  const sorted = [...ms].sort((a, b) => a - b);
  return `p50 ${Math.round(sorted[Math.floor((sorted.length - 1) / 2)]!)} ms, max ${Math.round(sorted.at(-1)!)} ms over ${ms.length} actions`;
}
