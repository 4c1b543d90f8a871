import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheDir, loadConfig, repoRoot, type Config } from '../../config/index.ts';
import { freePort } from '../services.ts';

export const sharedData = process.env.UNDERSTUDY_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `understudy-agent-${prefix}-`));
}

/**
 * Short runs for a 2-core CI box: one llama.cpp thread (spinning threads stall each other on a
 * busy CPU), few steps and tokens. The local teacher is the tiny GGUF: the same code path as the
 * default 1.5B teacher, at a fraction of the CPU time.
 */
export function agentTestConfig(overrides: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: {},
    overrides: {
      dataDir: tempDir('data'),
      'engine.threads': 1,
      'agent.maxSteps': 3,
      'agent.maxTokensPerStep': 256,
      'agent.sagN': 3,
      'models.contextSize': 4096,
      'models.teacher': 'tiny',
      ...overrides,
    },
  });
}

export { freePort };

/** The venv deploy/setup-agent-test.sh builds (llama.cpp's server through the xllamacpp wheel). */
export function llamaServerPython(config: Config): string | null {
  const py = path.join(cacheDir(config), 'agent-test-venv', 'bin', 'python');
  return existsSync(py) ? py : null;
}

/** Starts a real llama.cpp OpenAI-compatible server on 127.0.0.1 and resolves with its base URL. */
export async function startLlamaServer(python: string, modelFile: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(python, [path.join(repoRoot, 'tests', 'agent', 'llama_server.py'), modelFile, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`llama server did not start: ${err}`)), 120_000);
      // The line may arrive in pieces: match on all that came so far, once it is whole.
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /LISTENING (\S+)\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      proc.once('exit', (code) => reject(new Error(`llama server exited (${code}): ${err}`)));
    });
    return { url, proc };
  } catch (e) {
    // A server left running keeps the test file's process alive through its pipes.
    proc.kill();
    throw e;
  }
}

/** Runs `understudy ask QUESTION --json ARGS` with env overrides; asserts a clean exit and exactly one stdout line, and parses it. */
export function askJson(question: string, args: string[], env: Record<string, string>): Record<string, unknown> {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'ask', question, '--json', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 400_000,
    env: { ...process.env, UNDERSTUDY_ENGINE_THREADS: '1', ...env },
  });
  assert.equal(res.status, 0, res.stderr);
  const lines = res.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `stdout: ${res.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}
