import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceAnswer } from '../../training/answers.ts';

test('answers: GSM8K references are reduced to the number', () => {
  assert.equal(referenceAnswer('so 3+4=7\n#### 1,234'), '1,234');
  assert.equal(referenceAnswer('Paris'), 'Paris');
});
