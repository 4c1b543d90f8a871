import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rewrite } from '../../sandbox/rewrite.ts';
import { tokenize } from '../../sandbox/tokens.ts';

describe('sandbox code rewriting', () => {
  test('top-level const/let/class become var, keeping every line and column of the rest', () => {
    const { code } = rewrite('const a = 1\nlet [b] = [2]\nclass C {}\nfunction f() { const x = 1; let y; }');
    assert.equal(code, 'var   a = 1\nvar [b] = [2]\nvar C = class C {}\nfunction f() { const x = 1; let y; }');
  });

  test('nested and loop declarations are left alone', () => {
    const src = 'for (let i = 0; i < 2; i++) {}\nif (x) { const y = 1 }\nconst o = { let: 1, const: 2 }\nlet\nz = 3';
    assert.equal(rewrite(src).code, 'for (let i = 0; i < 2; i++) {}\nif (x) { const y = 1 }\nvar   o = { let: 1, const: 2 }\nvar\nz = 3');
  });

  test('strings, templates, comments and regexes are not touched', () => {
    const src = 'print("const a = 1", `let ${"b"} = ${ {c: 1}.c }`) // const d\n/* let e */ const re = /const f/g';
    assert.equal(rewrite(src).code, src.replace('*/ const re', '*/ var   re'));
  });

  test('top-level await gets an async wrapper that returns the last expression', () => {
    const { asyncCode } = rewrite('const r = await search("x")\nr.length');
    assert.equal(asyncCode.length, 2);
    assert.match(asyncCode[0]!, /var {3}r = await search\("x"\)\nreturn \(r\.length\n\)/);
    assert.doesNotMatch(asyncCode[1]!, /return \(r/);
    assert.equal(rewrite('const x = 1').asyncCode.length, 0);
    assert.equal(rewrite('for (const q of qs) { await f(q) }').asyncCode.length, 1);
  });

  test('the tokenizer tells regexes from division and tracks template depth', () => {
    const types = tokenize('a / b / c; x = /re/g; `t${ `u${1}` }v`').map((t) => t.type);
    assert.deepEqual(types, ['name', 'punct', 'name', 'punct', 'name', 'punct', 'name', 'punct', 'regex', 'punct', 'template', 'template', 'num', 'template', 'template']);
  });
});
