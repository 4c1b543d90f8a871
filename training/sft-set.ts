import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Example } from './example.ts';
import { renderAction, renderObservation, taskMessage } from './format.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SftRecord {
  messages: ChatMessage[];
  question: string;
  answer: string;
  source: Example['source'];
}

export interface SftManifest {
  datasetHash: string;
  counts: { train: number; heldOut: number; bySource: Record<string, number> };
  files: Record<string, { sha256: string; lines: number }>;
  systemPromptSha256: string;
  createdAt: string;
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/**
 * A trajectory as a chat: the student's short system prompt, the question, then each step's
 * thought + code as an assistant turn and its observation as a user turn. The trainer computes
 * the loss on assistant turns only.
 */
export function toChat(e: Example, systemPrompt: string): SftRecord {
  const messages: ChatMessage[] = [{ role: 'system', content: systemPrompt }, { role: 'user', content: taskMessage(e.question) }];
  e.steps.forEach((s, i) => {
    messages.push({ role: 'assistant', content: renderAction({ thought: s.thought, code: s.code }) });
    if (i < e.steps.length - 1) messages.push({ role: 'user', content: renderObservation(s.observation, s.error) });
  });
  return { messages, question: e.question, answer: e.answer, source: e.source };
}

/** The split is a function of the question, so a question stays held out on every night's run. */
function isHeldOut(question: string, share: number): boolean {
  return parseInt(sha256(question).slice(0, 8), 16) / 0x1_0000_0000 < share;
}

/** Writes train.jsonl, heldout.jsonl and manifest.json into `dir`; replayed records only train. */
export function writeSftSet(examples: Example[], opts: { dir: string; systemPrompt: string; heldOutShare: number; replay?: SftRecord[] }): SftManifest {
  mkdirSync(opts.dir, { recursive: true });
  const train: SftRecord[] = [];
  const heldOut: SftRecord[] = [];
  for (const e of examples) ((e.split ? e.split === 'heldOut' : isHeldOut(e.question, opts.heldOutShare)) ? heldOut : train).push(toChat(e, opts.systemPrompt));
  train.push(...(opts.replay ?? []));
  const files: SftManifest['files'] = {};
  for (const [name, rows] of [['train.jsonl', train], ['heldout.jsonl', heldOut]] as const) {
    const text = rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
    writeFileSync(path.join(opts.dir, name), text);
    files[name] = { sha256: sha256(text), lines: rows.length };
  }
  const bySource: Record<string, number> = {};
  for (const r of [...train, ...heldOut]) bySource[r.source] = (bySource[r.source] ?? 0) + 1;
  const manifest: SftManifest = {
    datasetHash: sha256(files['train.jsonl']!.sha256 + files['heldout.jsonl']!.sha256).slice(0, 16),
    counts: { train: train.length, heldOut: heldOut.length, bySource },
    files,
    systemPromptSha256: sha256(opts.systemPrompt),
    createdAt: new Date().toISOString(),
  };
  writeFileSync(path.join(opts.dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export function readSftFile(file: string): SftRecord[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SftRecord);
}

/** A share of an earlier training set, mixed back in so the student does not forget. */
export function replayRecords(earlierTrainFile: string, count: number): SftRecord[] {
  const rows = readSftFile(earlierTrainFile).filter((r) => r.source !== 'replay');
  return rows
    .map((r) => ({ r, k: sha256(r.question) }))
    .sort((a, b) => a.k.localeCompare(b.k))
    .slice(0, count)
    .map(({ r }) => ({ ...r, source: 'replay' as const }));
}
