// Sandbox timings: warm action p50/p95, cold start (new Sandbox + first action) p50, and fork
// p50 with a 3-action journal. Prints plain numbers in milliseconds.
import { Sandbox, type SandboxOptions } from '../sandbox/index.ts';
import { percentile } from '../admin/index.ts';

const opts: SandboxOptions = {
  memoryMb: 64,
  timeoutMs: 5000,
  maxOutputChars: 50_000,
  tools: { search: async (q) => [`passage about ${String(q)}`] },
};


async function time(n: number, work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await work();
    out.push(performance.now() - t);
  }
  return out;
}

const fmt = (x: number | null) => x!.toFixed(2);

// The sandbox process starts on first use; that one-time cost is reported apart.
let t = performance.now();
const first = await Sandbox.create(opts);
await first.run('1');
const processStart = performance.now() - t;

const warm = await time(50, () => first.run('const a = [1, 2, 3].map((x) => x * 2)\nprint(a)\na.length'));
warm.push(...await time(1000, () => first.run('const a = [1, 2, 3].map((x) => x * 2)\nprint(a)\na.length')));
const warmSteady = warm.slice(50);

const cold = await time(30, async () => {
  const s = await Sandbox.create(opts);
  await s.run('1 + 1');
  s.dispose();
});

const journaled = await Sandbox.create(opts);
await journaled.run('const docs = search("leave policy")');
await journaled.run('let total = docs.length * 10');
await journaled.run('function f(x) { return x + total }\nprint(f(1))');
const forks = await time(30, async () => (await journaled.fork()).dispose());

t = performance.now();
const m = await Sandbox.create(opts);
await m.run('math.evaluate("2/3 + 1/6")');
const mathFirst = performance.now() - t;
const mathWarm = await time(100, () => m.run('math.format(math.fraction(2, 3).add(math.fraction(1, 6)))'));

console.log(`sandbox process start (once)  ${fmt(processStart)} ms`);
console.log(`warm action p50               ${fmt(percentile(warmSteady, 50))} ms`);
console.log(`warm action p95               ${fmt(percentile(warmSteady, 95))} ms`);
console.log(`cold (new sandbox + action) p50 ${fmt(percentile(cold, 50))} ms`);
console.log(`fork with 3-action journal p50 ${fmt(percentile(forks, 50))} ms`);
console.log(`first action using math (loads mathjs) ${fmt(mathFirst)} ms`);
console.log(`warm math action p50          ${fmt(percentile(mathWarm, 50))} ms`);
for (const s of [first, journaled, m]) s.dispose();
