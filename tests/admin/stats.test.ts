import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeAnswer, sameAnswer } from '../../admin/normalize.ts';

test('answers compare after normalization; numbers by value', () => {
  assert.ok(sameAnswer('The corporate VPN.', 'corporate vpn'));
  assert.ok(sameAnswer('1,000', '1000'));
  assert.ok(sameAnswer('480.0', '480'));
  assert.ok(!sameAnswer('480', '48'));
  assert.ok(!sameAnswer('Use the VPN', 'Ask your manager'));
  assert.equal(normalizeAnswer('  An  Apple!! '), 'apple');
});
