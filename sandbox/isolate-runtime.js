// Runs inside the isolate, before any action. It installs print/console/final_answer/tools and
// returns the action runner (`run`, `collect`). Everything it uses later is captured here first,
// because actions may tamper with any global or prototype; the runner and the host references
// stay reachable from this closure only, never from globalThis.
//
// The host never reads a value an action produced: `run` returns nothing and an action's report is
// built here, from this closure's own state, and read by the host with `collect` (security.md).
(function (callTool, toolNames, scopeName, seed, limits) {
  'use strict';
  const g = globalThis;
  const { apply, construct, defineProperty, getOwnPropertyDescriptor, getPrototypeOf, set: reflectSet } = Reflect;
  const { stringify, parse } = JSON;
  const { isArray, from: arrayFrom } = Array;
  const { keys: objectKeys, fromEntries, freeze } = Object;
  const { isFinite } = Number;
  const ObjectProto = Object.prototype;
  const objectToString = ObjectProto.toString;
  const symbolToString = Symbol.prototype.toString;
  const sliceString = String.prototype.slice;
  const mapEntries = Map.prototype.entries;
  const setValues = Set.prototype.values;
  const { has: weakHas, add: weakAdd, delete: weakDelete } = WeakSet.prototype;
  const RealDate = Date;
  const { getTime, toISOString, toString: dateToString } = Date.prototype;
  const indirectEval = g.eval;
  const WeakSetCtor = WeakSet, ProxyCtor = Proxy, StringCtor = String;
  const ErrorCtor = Error, RangeErrorCtor = RangeError, ReferenceErrorCtor = ReferenceError, TypeErrorCtor = TypeError;
  const applySyncPromise = callTool.applySyncPromise;
  const { message: MAX_MESSAGE, stack: MAX_STACK, toolArgs: MAX_TOOL_ARGS } = limits;

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
  function cut(s, max) {
    return s.length <= max ? s : apply(sliceString, s, [0, max]);
  }
  function errorText(e) {
    let name = 'Error', message = '';
    try { name = cut(StringCtor(e.name), MAX_MESSAGE); } catch { /* keep the default */ }
    try { message = cut(StringCtor(e.message), MAX_MESSAGE); } catch { /* keep the default */ }
    return cut(message ? name + ': ' + message : name, MAX_MESSAGE);
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
  /** Values and answers are capped like the output. */
  function capped(s) {
    if (s.length <= maxOut) return s;
    return apply(sliceString, s, [0, maxOut]) + '… [truncated: ' + (s.length - maxOut) + ' more characters]';
  }

  /**
   * Tool arguments as JSON, read with captured intrinsics only: no toJSON, no tampered prototype
   * decides what the host receives. Plain data as JSON.stringify writes it; Dates as ISO strings.
   */
  function toolJson(v, seen) {
    switch (typeof v) {
      case 'string': case 'number': return stringify(v); // primitives: stringify runs no user code
      case 'boolean': return v ? 'true' : 'false';
      case 'bigint': throw new TypeErrorCtor('Do not know how to serialize a BigInt');
      case 'object': if (v === null) return 'null'; break;
      default: return undefined;
    }
    let time;
    try { time = apply(getTime, v, []); } catch { /* not a Date */ }
    if (time !== undefined) return isFinite(time) ? stringify(apply(toISOString, v, [])) : 'null';
    if (apply(weakHas, seen, [v])) throw new TypeErrorCtor('Converting circular structure to JSON');
    apply(weakAdd, seen, [v]);
    let s;
    if (isArray(v)) {
      s = '[';
      for (let i = 0, n = v.length; i < n; i++) {
        const x = toolJson(v[i], seen);
        s += (i ? ',' : '') + (x === undefined ? 'null' : x);
        if (s.length > MAX_TOOL_ARGS) return s;
      }
      s += ']';
    } else {
      s = '{';
      const ks = objectKeys(v);
      for (let i = 0; i < ks.length; i++) {
        const x = toolJson(v[ks[i]], seen);
        if (x === undefined) continue;
        s += (s.length > 1 ? ',' : '') + stringify(ks[i]) + ':' + x;
        if (s.length > MAX_TOOL_ARGS) return s;
      }
      s += '}';
    }
    apply(weakDelete, seen, [v]);
    return s;
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
        const text = toolJson(args, new WeakSetCtor());
        if (text.length > MAX_TOOL_ARGS) {
          throw new RangeErrorCtor(name + '(): arguments too large (more than ' + MAX_TOOL_ARGS + ' characters as JSON)');
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
  // FinalizationRegistry callbacks run when the GC decides, outside any action and its time limit;
  // WeakRef results depend on GC timing, so a replayed fork would not equal the live state.
  for (const name of ['WebAssembly', 'Atomics', 'SharedArrayBuffer', 'FinalizationRegistry', 'WeakRef']) delete g[name];

  // A seeded Math.random and a clock set by the host for each action, so that replaying the
  // journal into a fork rebuilds the same state. Each reading of the clock advances it 1 ms.
  let state = seed >>> 0 || 1;
  Math.random = function random() {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 4294967296;
  };
  let clock = 0;
  RealDate.now = function now() { return clock++; };
  const SeededDate = new ProxyCtor(RealDate, {
    __proto__: null,
    apply: () => apply(dateToString, construct(RealDate, [clock++]), []),
    construct: (target, args, newTarget) => construct(target, args.length ? args : [clock++], newTarget),
  });
  RealDate.prototype.constructor = SeededDate;
  g.Date = SeededDate;
  const DateTimeFormat = Intl.DateTimeFormat.prototype;
  const formatOf = getOwnPropertyDescriptor(DateTimeFormat, 'format').get;
  const realFormatToParts = DateTimeFormat.formatToParts;
  defineProperty(DateTimeFormat, 'format', {
    __proto__: null,
    configurable: true,
    get() {
      const format = apply(formatOf, this, []);
      return (date) => format(date === undefined ? clock++ : date);
    },
  });
  DateTimeFormat.formatToParts = function formatToParts(date) {
    return apply(realFormatToParts, this, [date === undefined ? clock++ : date]);
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
      __proto__: null,
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

  function errorInfo(e) {
    const report = (message, stack) => ({ __proto__: null, message, stack });
    if (e === FLOOD) return report('', '');
    const uncaught = () => cut('Uncaught ' + fmt(e), MAX_MESSAGE);
    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return report(uncaught(), '');
    try {
      let stack = '';
      try { stack = cut(StringCtor(e.stack), MAX_STACK); } catch { /* no stack */ }
      return report(tag(e) === '[object Error]' ? errorText(e) : uncaught(), stack);
    } catch {
      return report('Uncaught exception (unprintable)', '');
    }
  }

  // The action now running, and how it ended once it has (its value and error).
  let current = 0, ended = null;
  function finish(id, ok, v) {
    if (id !== current || ended !== null) return; // an abandoned action's code ending late
    endScope();
    const error = ok || (v === STOP && final !== null) ? null : errorInfo(v);
    const value = ok && v !== undefined ? capped(fmt(v)) : null;
    ended = { __proto__: null, value, error };
  }
  // `await` takes a native promise whose `constructor` is Promise as it is, without the species
  // lookup of `then`: pinning these keeps one action from breaking every later action's promises.
  defineProperty(Promise.prototype, 'constructor', { __proto__: null, writable: false, configurable: false });
  defineProperty(Promise, Symbol.species, { __proto__: null, configurable: false });
  async function settle(id, promise) {
    let ok = true, v;
    try { v = await promise; } catch (e) { ok = false; v = e; }
    finish(id, ok, v);
  }

  return {
    __proto__: null,
    /** Starts action `id`; it ends now or in the microtasks of this same call. Returns nothing. */
    run(id, code, isAsync, maxOutput, now) {
      endScope();
      current = id; ended = null;
      out = ''; attempted = 0; final = null; maxOut = maxOutput;
      if (now > clock) clock = now;
      let result;
      try {
        result = indirectEval(code);
        if (isAsync) result = result(newScope());
      } catch (e) {
        finish(id, false, e);
        return;
      }
      // Like a REPL with top-level await: a promise as the value (`main()`) is waited for.
      if (!isAsync && !isPromise(result)) finish(id, true, result);
      else settle(id, result);
    },
    /** Action `id`'s report: how it ended (if it has), what it printed and answered. */
    collect(id) {
      const done = id === current && ended !== null;
      return stringify({
        __proto__: null,
        ended: done,
        value: done ? ended.value : null,
        error: done ? ended.error : null,
        output: out,
        attempted,
        final,
      });
    },
  };
})
