// node-llama-cpp lets CPU contexts share at least 4 threads; on a 2-core machine (CI's) those
// spinning threads stalled each other and a token took 70× longer. understudy caps them at the cores.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { disposeModels, loadModel, sharedLlama } from '../../engine/index.ts';

after(disposeModels);

test('on a CPU backend, a context given no thread count uses at most one thread per core', async (t) => {
  const llama = await sharedLlama();
  if (llama.gpu !== false) return t.skip(`backend ${llama.gpu}: node-llama-cpp's GPU default is kept`);
  assert.ok(llama.maxThreads <= llama.cpuMathCores, `maxThreads ${llama.maxThreads} > ${llama.cpuMathCores} cores`);
  const model = await loadModel(loadConfig({ env: {} }), 'tiny');
  const context = await model.createContext({ contextSize: 512 });
  try {
    assert.ok(context.idealThreads >= 1 && context.idealThreads <= llama.cpuMathCores, `idealThreads ${context.idealThreads}, cores ${llama.cpuMathCores}`);
  } finally {
    await context.dispose();
  }
});
