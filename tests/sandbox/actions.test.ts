import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Sandbox } from '../../sandbox/index.ts';
import { fixture, type Fixture } from './fixture.ts';

const open: Fixture[] = [];
async function make(...args: Parameters<typeof fixture>): Promise<Fixture> {
  const f = await fixture(...args);
  open.push(f);
  return f;
}
after(() => open.forEach((f) => f.sandbox.dispose()));

describe('sandbox actions', () => {
  test('top-level bindings persist across actions and can be declared again', async () => {
    const { sandbox } = await make();
    assert.equal((await sandbox.run('const x = 1\nlet y = 2\nvar z = 3\nfunction f(a) { return a * 10 }\nclass C { v() { return 7 } }')).error, null);
    const r = await sandbox.run('f(x + y + z) + new C().v()');
    assert.equal(r.value, '67');
    const again = await sandbox.run('const x = 100; let y = 1; class C {}; x + y');
    assert.equal(again.error, null);
    assert.equal(again.value, '101');
  });

  test('block-scoped declarations stay block-scoped', async () => {
    const { sandbox } = await make();
    const r = await sandbox.run('const fs = []\nfor (let i = 0; i < 3; i++) { const j = i * 2; fs.push(() => j) }\nfs.map((g) => g()).join(",")');
    assert.equal(r.value, '0,2,4');
    assert.match((await sandbox.run('i')).error?.message ?? '', /ReferenceError: i is not defined/);
  });

  test('the value is the completion value; objects come back as JSON, strings as they are', async () => {
    const { sandbox } = await make();
    assert.equal((await sandbox.run('({ a: [1, 2], b: "x" })')).value, '{"a":[1,2],"b":"x"}');
    assert.equal((await sandbox.run('"plain"')).value, 'plain');
    assert.equal((await sandbox.run('if (true) { 5 } else { 6 }')).value, '5');
    assert.equal((await sandbox.run('const q = 1')).value, null);
    assert.equal((await sandbox.run('undefined')).value, null);
  });

  test('print and console are captured as the output', async () => {
    const { sandbox } = await make();
    const r = await sandbox.run('print("a", 1, [2], { b: 3 })\nconsole.log("log")\nconsole.error("err")\nconsole.warn(null, undefined)');
    assert.equal(r.output, 'a 1 [2] {"b":3}\nlog\nerr\nnull undefined\n');
  });

  test('tools are called synchronously and with await, and recorded', async () => {
    const { sandbox, hostCalls } = await make();
    const r = await sandbox.run('const r = search("vacation policy", 2)\nprint(r[0])\nr.length');
    assert.equal(r.output, 'passage 1 about vacation policy\n');
    assert.equal(r.value, '2');
    assert.deepEqual(r.toolCalls, [{ name: 'search', args: ['vacation policy', 2], result: ['passage 1 about vacation policy', 'passage 2 about vacation policy'] }]);
    const a = await sandbox.run('const hits = await search("sick leave", 1)\nfor (const q of ["a", "b"]) { const x = await search(q, 1); print(x[0]) }\nhits[0]');
    assert.equal(a.error, null);
    assert.equal(a.output, 'passage 1 about a\npassage 1 about b\n');
    assert.equal(a.value, 'passage 1 about sick leave');
    assert.equal((await sandbox.run('hits.length')).value, '1');
    assert.equal(hostCalls.length, 4);
  });

  test('top-level await keeps declarations, functions and the last value', async () => {
    const { sandbox } = await make();
    const r = await sandbox.run('async function twice(x) { return 2 * x }\nconst { a, b: [c] } = { a: await twice(2), b: [3] }\nclass K {}\na + c');
    assert.equal(r.error, null);
    assert.equal(r.value, '7');
    assert.equal((await sandbox.run('typeof twice + typeof K + (a + c)')).value, 'functionfunction7');
  });

  test('a promise as the value is waited for, like a REPL with top-level await', async () => {
    const { sandbox } = await make();
    const r = await sandbox.run('async function main() { const r = await search("x", 2); print(r.length); return r[1] }\nmain()');
    assert.equal(r.error, null);
    assert.equal(r.output, '2\n');
    assert.equal(r.value, 'passage 2 about x');
    const rejected = await sandbox.run('async function bad() { throw new TypeError("nope") }\nbad()');
    assert.match(rejected.error?.message ?? '', /TypeError: nope/);
  });

  test('code left waiting by an ended action cannot act in a later one', async () => {
    const { sandbox } = await make({ timeoutMs: 200 });
    const r = await sandbox.run('var later\nawait new Promise((resolve) => { later = resolve })\nprint("stale")');
    assert.equal(r.error?.kind, 'timeout');
    const next = await sandbox.run('later()\nawait null\nprint("next")');
    assert.equal(next.error, null);
    assert.equal(next.output, 'next\n');
  });

  test('an unknown tool is a ReferenceError observation', async () => {
    const { sandbox } = await make();
    const r = await sandbox.run('\nweb_search("x")');
    assert.equal(r.error?.kind, 'runtime');
    assert.match(r.error!.message, /ReferenceError: web_search is not defined/);
    assert.equal(r.error!.line, 2);
  });

  test('a failing host tool becomes an error inside the action, which can catch it', async () => {
    const { sandbox } = await make({}, { lookup: () => { throw new Error('index offline'); } });
    const r = await sandbox.run('try { lookup("x") } catch (e) { print("caught", e.message) }');
    assert.equal(r.output, 'caught index offline\n');
  });

  test('final_answer stops the action and is stringified', async () => {
    const { sandbox } = await make();
    const r = await sandbox.run('print("before")\nfinal_answer({ days: 25 })\nprint("after")');
    assert.deepEqual(r.finalAnswer, { value: '{"days":25}' });
    assert.equal(r.output, 'before\n');
    assert.equal(r.error, null);
    assert.deepEqual((await sandbox.run('final_answer("25 days")')).finalAnswer, { value: '25 days' });
    assert.equal((await sandbox.run('1')).finalAnswer, null);
  });

  test('exact math with mathjs', async () => {
    const { sandbox } = await make();
    const r = await sandbox.run('math.format(math.evaluate("fraction(2/3) + fraction(1/6)"), { fraction: "ratio" })');
    assert.equal(r.error, null);
    assert.equal(r.value, '5/6');
    assert.equal((await sandbox.run('math.fraction(1, 3).add(math.fraction(1, 6)).toFraction()')).value, '1/2');
  });

  test('errors carry the line inside the action', async () => {
    const { sandbox } = await make();
    const rt = await sandbox.run('const a = 1\n\nnull.foo');
    assert.deepEqual([rt.error?.kind, rt.error?.line], ['runtime', 3]);
    assert.match(rt.error!.message, /TypeError: Cannot read properties of null/);
    const sx = await sandbox.run('const a = 1\nconst b = ;');
    assert.deepEqual([sx.error?.kind, sx.error?.line], ['syntax', 2]);
    assert.match(sx.error!.message, /^SyntaxError: /);
    const asx = await sandbox.run('const a = await search("x")\nconst b = ;');
    assert.deepEqual([asx.error?.kind, asx.error?.line], ['syntax', 2]);
    assert.equal(asx.toolCalls.length, 0);
    const parse = await sandbox.run('\nJSON.parse("{")');
    assert.deepEqual([parse.error?.kind, parse.error?.line], ['runtime', 2]);
  });

  test('output is capped with a truncation note', async () => {
    const { sandbox } = await make({ maxOutputChars: 100 });
    const r = await sandbox.run('print("x".repeat(150))');
    assert.equal(r.error, null);
    assert.ok(r.output.startsWith('x'.repeat(100) + '\n[output truncated: 51 more characters'), r.output);
  });

  test('fork copies the state, is independent and never calls tools again', async () => {
    const { sandbox, hostCalls } = await make();
    await sandbox.run('const docs = search("leave", 2)\nlet n = docs.length');
    await sandbox.run('n = n * 10\nconst r = Math.random()');
    await sandbox.run('oops()');
    assert.equal(hostCalls.length, 1);
    const copy = await sandbox.fork();
    open.push({ sandbox: copy, hostCalls: [] });
    assert.equal(hostCalls.length, 1);
    assert.equal((await copy.run('[n, docs[1]]')).value, '[20,"passage 2 about leave"]');
    assert.equal((await copy.run('r')).value, (await sandbox.run('r')).value);
    await copy.run('n = -1; const onlyInFork = 1');
    assert.equal((await sandbox.run('n')).value, '20');
    assert.match((await sandbox.run('onlyInFork')).error?.message ?? '', /not defined/);
    await sandbox.run('n = 5');
    assert.equal((await copy.run('n')).value, '-1');
  });

  test('a memory kill replaces the isolate and replays the earlier actions', async () => {
    const { sandbox, hostCalls } = await make({ memoryMb: 32 });
    await sandbox.run('const kept = search("x", 1)[0]');
    const r = await sandbox.run('const hog = []\nwhile (true) hog.push(new Array(1e5).fill(1))');
    assert.equal(r.error?.kind, 'memory');
    assert.match(r.error!.message, /32 MB.*restarted/);
    assert.equal((await sandbox.run('kept')).value, 'passage 1 about x');
    assert.equal(hostCalls.length, 1);
  });

  test('an out-of-memory abort of the sandbox process is survived by every sandbox', async () => {
    const bystander = await make();
    await bystander.sandbox.run('const keep = search("x", 1)');
    const { sandbox } = await make({ memoryMb: 32, timeoutMs: 20_000 });
    // Map growth makes V8 abort the whole process rather than fail the isolate's allocation.
    const r = await sandbox.run('const m = new Map()\nfor (let i = 0; ; i++) m.set(i, { i, s: "x" + i })');
    assert.equal(r.error?.kind, 'memory');
    assert.equal((await sandbox.run('1 + 1')).value, '2');
    assert.equal((await bystander.sandbox.run('keep[0]')).value, 'passage 1 about x');
    assert.equal(bystander.hostCalls.length, 1);
  });

  test('dispose ends the sandbox; later actions report it', async () => {
    const { sandbox } = await make();
    sandbox.dispose();
    assert.equal(sandbox.disposed, true);
    assert.equal((await sandbox.run('1')).error?.kind, 'disposed');
    await assert.rejects(sandbox.fork());
  });

  test('concurrent runs are serialized', async () => {
    const { sandbox } = await make();
    await sandbox.run('let c = 0');
    const rs = await Promise.all(Array.from({ length: 10 }, () => sandbox.run('c += 1')));
    assert.deepEqual(rs.map((r) => r.value), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  });

  test('warmUp (what createAgent runs beside the model load) may run more than once and leaves sandboxes working', async () => {
    await Promise.all([Sandbox.warmUp(64), Sandbox.warmUp(64)]);
    await Sandbox.warmUp(64);
    const { sandbox } = await make();
    assert.equal((await sandbox.run('6 * 7')).value, '42');
  });

  test('tool names must be plain identifiers that do not clash with the built-ins', async () => {
    await assert.rejects(fixture({}, { print: () => 1 }), /not allowed/);
    await assert.rejects(fixture({}, { 'a-b': () => 1 }), /not allowed/);
  });
});
