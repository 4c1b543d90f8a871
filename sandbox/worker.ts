// The sandbox process: owns every isolate, so that V8 aborting on an out-of-memory isolate (which
// isolated-vm cannot always prevent) ends this process, not the application. Started by process.ts.

import { IsolateRuntime } from './isolate.ts';
import type { Request, ToChild, ToParent } from './protocol.ts';

const runtimes = new Map<number, IsolateRuntime>();
const toolReplies = new Map<number, (reply: string) => void>();
let nextCall = 0;

function send(m: ToParent): void {
  process.send?.(m);
}

function runtime(rid: number): IsolateRuntime {
  const rt = runtimes.get(rid);
  if (!rt) throw new Error('Isolate is disposed');
  return rt;
}

async function handle(m: Request): Promise<unknown> {
  switch (m.t) {
    case 'create': {
      const forward = (name: string, json: string) => new Promise<string>((resolve) => {
        const call = nextCall++;
        toolReplies.set(call, resolve);
        send({ t: 'tool', rid: m.rid, call, name, json });
      });
      runtimes.set(m.rid, await IsolateRuntime.create(m.memoryMb, m.toolNames, m.seed, forward));
      return null;
    }
    case 'exec': return runtime(m.rid).exec(m.candidates, m.maxOutput, m.timeoutMs, m.now);
    case 'math': return runtime(m.rid).loadMath();
    case 'dispose':
      runtimes.get(m.rid)?.dispose();
      runtimes.delete(m.rid);
      return null;
  }
}

process.on('message', (m: ToChild) => {
  if (m.t === 'tool-reply') {
    toolReplies.get(m.call)?.(m.reply);
    toolReplies.delete(m.call);
    return;
  }
  handle(m).then(
    (value) => send({ t: 'reply', req: m.req, ok: true, value, alive: runtimes.get(m.rid)?.alive ?? false }),
    (e: unknown) => send({ t: 'reply', req: m.req, ok: false, error: e instanceof Error ? e.message : String(e),
      alive: runtimes.get(m.rid)?.alive ?? false }),
  );
});
process.on('disconnect', () => process.exit(0));
