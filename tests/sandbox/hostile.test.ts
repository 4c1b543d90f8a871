// Hostile code actions: each must end within its limits with a clear error (or be harmless), and
// the same sandbox must keep serving a normal action afterwards.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ActionResult } from '../../sandbox/index.ts';
import { assertStillWorks, fixture, limitSummary } from './fixture.ts';

const TIMEOUT_MS = 300;
const MAX_OUTPUT = 1000;
/** isolated-vm's timer, the disposal backstop and a loaded CI machine. */
const SLACK_MS = 3000;

type Check = (r: ActionResult, hostCalls: { name: string; args: unknown[] }[]) => void;
const kind = (k: string, message?: RegExp): Check => (r) => {
  assert.equal(r.error?.kind, k, JSON.stringify(r.error));
  if (message) assert.match(r.error!.message, message);
};
const oneOf = (...ks: string[]): Check => (r) => assert.ok(ks.includes(r.error?.kind ?? 'none'), JSON.stringify(r.error));
const value = (v: string): Check => (r) => {
  assert.equal(r.error, null, JSON.stringify(r.error));
  assert.equal(r.value, v);
};
const answer = (v: string): Check => (r) => assert.deepEqual(r.finalAnswer, { value: v });
const output = (o: string): Check => (r) => assert.equal(r.output, o);
const all = (...checks: Check[]): Check => (r, h) => checks.forEach((c) => c(r, h));

const slowTool = () => new Promise((resolve) => setTimeout(() => resolve('late'), 10_000).unref());

const cases: [string, string, Check][] = [
  // Time
  ['sync infinite loop', 'while (true) {}', kind('timeout')],
  ['infinite loop inside a function', 'function spin() { for (;;) {} }\nspin()', kind('timeout')],
  ['async infinite loop', '(async () => { while (true) await null })()', kind('timeout')],
  ['top-level await loop', 'while (true) await 0', kind('timeout')],
  // Each link's promise waits on the next, so the chain also grows: whichever limit comes first.
  ['endless promise chain', 'const spin = () => Promise.resolve().then(spin)\nspin()', oneOf('timeout', 'memory')],
  ['infinite generator', 'function* g() { while (true) yield 1 }\nfor (const x of g()) {}', kind('timeout')],
  ['exponential recursion that swallows stack overflows', 'function f() { try { f() } catch { f() } }\nf()', kind('timeout')],
  ['ReDoS regex', '/^(a+)+$/.test("a".repeat(40) + "b")', kind('timeout')],
  ['loop inside toJSON while printing', 'print({ toJSON() { while (true) {} } })', kind('timeout')],
  ['thenable getter that never returns', 'Object.defineProperty(Object.prototype, "then", { get() { while (true) {} } })\nawait 1;\n({})', kind('timeout')],
  ['host tool slower than the time limit', 'slow()', oneOf('timeout', 'runtime')],
  ['a promise that never settles as the value', 'new Promise(() => {})', kind('timeout')],
  ['awaiting a promise that never settles', 'await new Promise(() => {})', kind('timeout')],
  // Memory
  ['array growth', 'const hog = []\nwhile (true) hog.push(new Array(1e5).fill(1))', kind('memory', /restarted/)],
  ['object map growth', 'const m = new Map()\nfor (let i = 0; ; i++) m.set(i, { i, s: "x" + i })', oneOf('memory', 'timeout')],
  ['string doubling', 'let s = "x"\nwhile (true) s += s', oneOf('memory', 'runtime')],
  ['one huge typed array', 'new Uint8Array(2 ** 31)', kind('runtime', /allocation failed|Invalid/)],
  ['many typed arrays', 'const bufs = []\nwhile (true) bufs.push(new Float64Array(1e6))', oneOf('memory', 'runtime')],
  ['huge array length', 'new Array(2 ** 32)', kind('runtime', /Invalid array length/)],
  // Output
  ['print flood', 'while (true) print("x".repeat(1000))', all(kind('output'), (r) => assert.ok(r.output.length < MAX_OUTPUT + 100))],
  ['one huge print', 'print("y".repeat(1e6))', all(kind('output'), (r) => assert.match(r.output, /truncated/))],
  ['huge value', '"z".repeat(1e6)', (r) => assert.ok(r.value!.length < MAX_OUTPUT + 100)],
  ['huge final answer', 'final_answer("a".repeat(1e6))', (r) => assert.ok(r.finalAnswer!.value.length < MAX_OUTPUT + 100)],
  ['deeply nested value', 'let o = {}\nfor (let i = 0; i < 1e5; i++) o = { o }\no', (r) => {
    if (r.error) kind('timeout')(r, []);
    else assert.ok(r.value!.length < MAX_OUTPUT + 100);
  }],
  // Stack
  ['deep recursion', 'function f(n) { return f(n + 1) + 1 }\nf(0)', all(kind('runtime', /Maximum call stack/), (r) => assert.equal(r.error!.line, 1))],
  // Tampering with what the runtime and bridges use
  ['Object.prototype.toJSON that throws', 'Object.prototype.toJSON = () => { throw new Error("no") }\nprint("p", { a: 1 })\n({ a: 1 })', (r) => assert.equal(r.output, 'p [unprintable object]\n')],
  ['Array.prototype tampering', 'Array.prototype.push = null\nArray.prototype[Symbol.iterator] = null\nArray.prototype.join = null\nprint([1, 2], "a")', output('[1,2] a\n')],
  ['String.prototype tampering', 'String.prototype.slice = () => "hacked"\nString.prototype.indexOf = () => 0\nprint("x".repeat(2000))\nnull.x', all(kind('runtime', /TypeError/), (r) => assert.match(r.output, /^x+\n\[output truncated/))],
  ['Function.prototype tampering around tools', 'Function.prototype.call = null\nFunction.prototype.apply = null\nFunction.prototype.bind = null\nsearch.call = null\nsearch("q", 1)[0]', value('passage 1 about q')],
  ['JSON tampering', 'JSON.stringify = () => "hacked"\nJSON.parse = () => "hacked"\nprint({ a: 1 })\nsearch("q", 1)', all(output('{"a":1}\n'), value('["passage 1 about q"]'))],
  ['Reflect and Proxy tampering', 'Reflect.apply = null\nReflect.set = null\nglobalThis.Proxy = null\nconst v = await search("q", 1)\nv.length', value('1')],
  ['Promise tampering', 'Promise.prototype.then = function () { throw new Error("no") }\nPromise.resolve = null\nconst t = await search("q", 1)\nt.length', value('1')],
  ['WeakSet and Map tampering', 'WeakSet.prototype.add = null\nWeakSet.prototype.has = null\nMap.prototype.entries = null\nprint({ a: [1] }, new Map([[1, 2]]))', output('{"a":[1]} {"1":2}\n')],
  ['replacing print and final_answer', 'print = () => {}\nglobalThis.final_answer = null\nvar print = 1\nprint("still printing")\nfinal_answer("kept")', all(output('still printing\n'), answer('kept'))],
  ['redefining a bridged function', 'Object.defineProperty(globalThis, "search", { value: () => "fake" })', kind('runtime', /Cannot redefine property: search/)],
  ['deleting the bridges', 'delete globalThis.print\ndelete globalThis.console\ntypeof print + typeof console.log', value('functionfunction')],
  ['freezing the global object', 'Object.freeze(globalThis)\nObject.freeze(Object.prototype)\n1', value('1')],
  ['removing the global prototype', 'Object.setPrototypeOf(globalThis, null)\nconst q = await search("q", 1)\nq[0]', value('passage 1 about q')],
  ['Error.prepareStackTrace exposing frames', 'Error.prepareStackTrace = (e, fs) => fs.map((f) => typeof f.getThis() + typeof f.getFunction()).join()\nsearch({ get q() { throw new Error("boom") } })', kind('runtime', /Error: boom/)],
  ['toStringTag getter that throws as the answer', 'final_answer({ get [Symbol.toStringTag]() { throw new Error("tag") } })', answer('[unprintable object]')],
  ['getter that throws while printing', 'print({ get a() { throw new Error("getter") } })', output('[unprintable object]\n')],
  // Escapes
  ['process', 'process.exit(1)', kind('runtime', /ReferenceError: process is not defined/)],
  ['require', 'require("fs").readFileSync("/etc/passwd", "utf8")', kind('runtime', /ReferenceError: require is not defined/)],
  ['dynamic import', 'const fs = await import("fs")', kind('runtime', /Not supported/)],
  ['static import', 'import fs from "fs"', kind('syntax', /import/)],
  ['constructor.constructor', 'this.constructor.constructor("return process")()', kind('runtime', /process is not defined/)],
  ['Function from a bridged tool', 'search.constructor("return typeof process + typeof require + typeof global")()', value('undefinedundefinedundefined')],
  ['eval escape', 'eval("typeof process") + (0, eval)("typeof require")', value('undefinedundefined')],
  ['globalThis is the isolate\'s', 'const names = Object.getOwnPropertyNames(globalThis)\nnames.filter((n) => /^(process|require|module|exports|global|Buffer|ivm|_.*)$/.test(n)).length', value('0')],
  ['network and files', '[typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof Deno, typeof Bun].join()', value('undefined,undefined,undefined,undefined,undefined')],
  ['timers', 'setTimeout(() => print("late"), 0)', kind('runtime', /timers are not available/)],
  ['setInterval', 'setInterval(() => {}, 1)', kind('runtime', /timers are not available/)],
  ['Atomics.wait and WebAssembly', 'typeof Atomics + typeof SharedArrayBuffer + typeof WebAssembly', value('undefinedundefinedundefined')],
  // Hostile tool arguments
  ['huge tool argument', 'search("x".repeat(2e6))', all(kind('runtime', /arguments too large/), (_r, h) => assert.equal(h.length, 0))],
  ['cyclic tool argument', 'const o = {}\no.self = o\nsearch(o)', kind('runtime', /circular/i)],
  ['tool argument getter that throws', 'search({ get q() { throw new Error("getter boom") } })', kind('runtime', /getter boom/)],
  ['BigInt tool argument', 'search(10n)', kind('runtime', /BigInt/)],
  ['function tool argument', 'search(() => 1, 1)', (_r, h) => assert.deepEqual(h[0]?.args, [null, 1])],
  // Odd throws and answers
  ['throwing a number', 'throw 42', kind('runtime', /Uncaught 42/)],
  ['throwing null', 'throw null', kind('runtime', /Uncaught null/)],
  ['throwing an object', 'throw { code: 7 }', kind('runtime', /Uncaught \{"code":7\}/)],
  ['throwing a symbol', 'throw Symbol("s")', kind('runtime', /Uncaught Symbol\(s\)/)],
  ['throwing an error with a hostile message getter', 'const e = new Error("x")\nObject.defineProperty(e, "message", { get() { throw e } })\nthrow e', kind('runtime', /Error/)],
  ['symbol as the final answer', 'final_answer(Symbol("answer"))', answer('Symbol(answer)')],
  ['BigInt as the final answer', 'final_answer(12345678901234567890n)', answer('12345678901234567890')],
  ['catching the final_answer stop', 'try { final_answer(1) } catch (e) { print("caught") }\n2', all(answer('1'), output('caught\n'))],
  ['syntax error with its line', 'const a = 1\nconst b = 2\nconst c = ;', all(kind('syntax'), (r) => assert.equal(r.error!.line, 3))],
  ['unterminated template literal', 'print(`open ${1}', kind('syntax')],
];

const limitTimes: number[] = [];
after(() => console.log(`# time limits (hostile code actions): ${limitSummary(limitTimes)}`));

describe('hostile code actions', () => {
  for (const [name, code, check] of cases) {
    test(name, async () => {
      const { sandbox, hostCalls } = await fixture({ timeoutMs: TIMEOUT_MS, memoryMb: 32, maxOutputChars: MAX_OUTPUT }, { slow: slowTool });
      try {
        await sandbox.run('const before = 41');
        hostCalls.length = 0;
        const started = performance.now();
        const r = await sandbox.run(code);
        const ms = performance.now() - started;
        assert.ok(ms < TIMEOUT_MS + SLACK_MS, `took ${ms} ms`);
        if (r.error?.kind === 'timeout') limitTimes.push(ms);
        check(r, hostCalls);
        await assertStillWorks(sandbox);
      } finally {
        sandbox.dispose();
      }
    });
  }
});
