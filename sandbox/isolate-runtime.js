// Runs inside the isolate, before any action. It installs print/console/final_answer/tools and
// returns the action runner. Everything it uses later is captured here first, because actions may
// tamper with any global or prototype; only the runner and the host references stay reachable
// from this closure, never from globalThis.
(function (callTool, toolNames, scopeName, seed) {
  'use strict';
  const g = globalThis;
  const { apply, defineProperty, getPrototypeOf, set: reflectSet } = Reflect;
  const { stringify, parse } = JSON;
  const { isArray, from: arrayFrom } = Array;
  const ObjectProto = Object.prototype;
  const objectToString = ObjectProto.toString;
  const symbolToString = Symbol.prototype.toString;
  const sliceString = String.prototype.slice;
  const indexOf = String.prototype.indexOf;
  const mapEntries = Map.prototype.entries;
  const setValues = Set.prototype.values;
  const fromEntries = Object.fromEntries;
  const weakHas = WeakSet.prototype.has;
  const weakAdd = WeakSet.prototype.add;
  const then = Promise.prototype.then;
  const freeze = Object.freeze;
  const indirectEval = g.eval;
  const WeakSetCtor = WeakSet, ProxyCtor = Proxy, StringCtor = String;
  const ErrorCtor = Error, RangeErrorCtor = RangeError, ReferenceErrorCtor = ReferenceError;
  const applySyncPromise = callTool.applySyncPromise;
  const MAX_TOOL_ARGS = 1_000_000;

  const STOP = freeze({ __proto__: null, message: 'final_answer() ends the action' });
  const FLOOD = freeze({ __proto__: null, message: 'output limit exceeded' });
  let out = '', attempted = 0, maxOut = 0, final = null;

  const tag = (v) => apply(objectToString, v, []);
  function isPromise(v) {
    try { return v !== null && typeof v === 'object' && tag(v) === '[object Promise]'; } catch { return false; }
  }
  function nameOf(f) {
    try { const n = f.name; return typeof n === 'string' && n ? n : '(anonymous)'; } catch { return '(anonymous)'; }
  }
  function errorText(e) {
    let name = 'Error', message = '';
    try { name = StringCtor(e.name); } catch { /* keep the default */ }
    try { message = StringCtor(e.message); } catch { /* keep the default */ }
    return message ? name + ': ' + message : name;
  }
  function json(v) {
    const seen = new WeakSetCtor();
    return stringify(v, function (_key, x) {
      switch (typeof x) {
        case 'bigint': return '' + x;
        case 'symbol': return apply(symbolToString, x, []);
        case 'function': return '[Function ' + nameOf(x) + ']';
        case 'object':
          if (x === null) return x;
          if (apply(weakHas, seen, [x])) return '[Circular]';
          apply(weakAdd, seen, [x]);
          switch (tag(x)) {
            case '[object Map]': return fromEntries(arrayFrom(apply(mapEntries, x, [])));
            case '[object Set]': return arrayFrom(apply(setValues, x, []));
            case '[object Error]': return errorText(x);
          }
      }
      return x;
    });
  }
  /** How a value reads in print output and in results: strings as they are, objects as JSON. */
  function fmt(v) {
    switch (typeof v) {
      case 'string': return v;
      case 'symbol': return apply(symbolToString, v, []);
      case 'function': return '[Function ' + nameOf(v) + ']';
      case 'object': break;
      default: return '' + v;
    }
    if (v === null) return 'null';
    try {
      if (tag(v) === '[object Error]') return errorText(v);
      const proto = getPrototypeOf(v);
      if (proto !== ObjectProto && proto !== null && !isArray(v) && typeof v.toString === 'function' &&
          v.toString !== objectToString) {
        return StringCtor(v);
      }
      const s = json(v);
      return typeof s === 'string' ? s : 'undefined';
    } catch {
      return '[unprintable object]';
    }
  }
  function write(s) {
    attempted += s.length;
    if (out.length < maxOut) out += s.length <= maxOut - out.length ? s : apply(sliceString, s, [0, maxOut - out.length]);
    if (attempted > 10 * maxOut) throw FLOOD;
  }
  function line(args) {
    let s = '';
    for (let i = 0; i < args.length; i++) s += (i ? ' ' : '') + fmt(args[i]);
    return s + '\n';
  }
  function constant(name, value) {
    defineProperty(g, name, { value, writable: false, enumerable: false, configurable: false });
  }

  const print = function print(...args) { write(line(args)); };
  const log = function log(...args) { write(line(args)); };
  constant('print', print);
  constant('console', freeze({ __proto__: null, log, info: log, warn: log, error: log, debug: log }));
  constant('final_answer', function final_answer(value) {
    final = capped(fmt(value));
    throw STOP;
  });
  for (const name of toolNames) {
    const tool = {
      [name](...args) {
        let text = stringify(args);
        if (text === undefined) text = '[]';
        if (text.length > MAX_TOOL_ARGS) {
          throw new RangeErrorCtor(name + '(): arguments too large (' + text.length + ' characters as JSON, at most ' +
            MAX_TOOL_ARGS + ')');
        }
        const reply = apply(applySyncPromise, callTool, [undefined, [name, text]]);
        if (reply[0] === 'e') throw new ErrorCtor(apply(sliceString, reply, [1]));
        return parse(apply(sliceString, reply, [1]));
      },
    }[name];
    constant(name, tool);
  }
  const noTimers = function () {
    throw new ErrorCtor('timers are not available in the sandbox: tools return their results directly, so no waiting is needed');
  };
  for (const name of ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask']) {
    constant(name, noTimers);
  }
  for (const name of ['WebAssembly', 'Atomics', 'SharedArrayBuffer']) delete g[name];

  // A seeded Math.random, so replaying the journal into a fork rebuilds the same state.
  let state = seed >>> 0 || 1;
  Math.random = function random() {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 4294967296;
  };

  // Code with top-level await runs in `with (scope)`: every name resolves through the global object.
  // Each run gets its own scope, which stops working once the run is over: code still waiting on a
  // promise the action abandoned cannot act in a later action.
  let endScope = () => {};
  function newScope() {
    let live = true;
    endScope = () => { live = false; };
    const check = () => {
      if (!live) throw new ErrorCtor('this action has already ended');
    };
    return new ProxyCtor({ __proto__: null }, {
      has: (_t, k) => { check(); return typeof k === 'string' && k !== scopeName; },
      get(_t, k) {
        check();
        if (typeof k !== 'string') return undefined;
        if (k in g) return g[k];
        throw new ReferenceErrorCtor(k + ' is not defined');
      },
      set: (_t, k, v) => { check(); reflectSet(g, k, v); return true; },
    });
  }

  const errorReport = (kind, message, stack) => ({ __proto__: null, kind, message, stack });
  function errorInfo(e) {
    if (e === FLOOD) return errorReport('output', '', '');
    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return errorReport('runtime', 'Uncaught ' + fmt(e), '');
    try {
      let stack = '';
      try { stack = StringCtor(e.stack); } catch { /* no stack */ }
      const isError = tag(e) === '[object Error]';
      const text = isError ? errorText(e) : 'Uncaught ' + fmt(e);
      const syntax = isError && apply(sliceString, text, [0, 12]) === 'SyntaxError:' && apply(indexOf, stack, ['action.js:']) < 0;
      return errorReport(syntax ? 'syntax' : 'runtime', text, stack);
    } catch {
      return errorReport('runtime', 'Uncaught exception (unprintable)', '');
    }
  }
  /** Values and answers are capped like the output. */
  function capped(s) {
    if (s.length <= maxOut) return s;
    return apply(sliceString, s, [0, maxOut]) + '… [truncated: ' + (s.length - maxOut) + ' more characters]';
  }
  function report(ok, v) {
    endScope();
    const error = ok || v === STOP ? null : errorInfo(v);
    const value = ok && v !== undefined ? capped(fmt(v)) : null;
    return stringify({ __proto__: null, value, error, output: out, attempted, final });
  }

  return {
    __proto__: null,
    /** Runs one action; returns (a promise of) the JSON report. */
    run(code, isAsync, maxOutput) {
      endScope();
      out = ''; attempted = 0; final = null; maxOut = maxOutput;
      let result;
      try {
        result = indirectEval(code);
        if (isAsync) result = result(newScope());
      } catch (e) {
        return report(false, e);
      }
      // Like a REPL with top-level await: a promise as the value (`main()`) is waited for.
      if (!isAsync && !isPromise(result)) return report(true, result);
      return apply(then, result, [(v) => report(true, v), (e) => report(false, e)]);
    },
    /** What the last action printed and answered before it was stopped from outside. */
    collect: () => stringify({ __proto__: null, value: null, error: null, output: out, attempted, final }),
  };
})
