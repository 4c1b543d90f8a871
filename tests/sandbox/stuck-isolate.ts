// Run by hardening.test.ts in a process of its own (isolated-vm wants --no-node-snapshot): wedges
// an isolate with code that runs under no time limit, as a spinning GC callback would, then asks it
// to run an action. Prints the outcome, how long it took, and the CPU the process used afterwards.
import { IsolateRuntime } from '../../sandbox/isolate.ts';

const rt = await IsolateRuntime.create(32, [], 1, async () => 'eno tools');
const context = await rt.isolate.createContext();
void context.eval('for (;;) {}').catch(() => undefined);
const start = performance.now();
const outcome = await rt.exec(['1 + 1'], 1000, 300, Date.now());
const ms = performance.now() - start;
const before = process.cpuUsage();
await new Promise((resolve) => setTimeout(resolve, 500));
const cpu = process.cpuUsage(before);
console.log(JSON.stringify({ outcome, ms, alive: rt.alive, cpuMs: (cpu.user + cpu.system) / 1000 }));
