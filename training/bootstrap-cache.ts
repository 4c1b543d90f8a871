import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir, type Config } from '../config/index.ts';
import type { TeacherTrajectory } from './generate.ts';

export type QuestionKind = 'singleHop' | 'twoDocument' | 'arithmetic' | 'unanswerable';
export type Split = 'train' | 'heldOut';

/** One question-writing task of `distill bootstrap` and what came of it (a line of questions.jsonl). */
export interface BootstrapQuestion {
  /** The task's key: its kind and chunks. */
  id: string;
  kind: QuestionKind;
  collection: string;
  chunkIds: string[];
  /** The chunks' documents (Passage.source). */
  sources: string[];
  split: Split;
  /** Absent when the teacher's output was dropped (`dropped` says why). */
  question?: string;
  /** The reference answer, grounded in the chunk; null for an unanswerable question (the right answer abstains). */
  answer?: string | null;
  dropped?: 'malformed' | 'ungrounded' | 'longAnswer' | 'noSecondDocument';
  /** The teacher's output, kept when it was dropped. */
  raw?: string;
  ms: number;
}

/** The teacher agent's run on a written question (a line of runs.jsonl). */
export interface BootstrapRun extends TeacherTrajectory {
  id: string;
  dropped?: 'notFinal' | 'noSearch' | 'parseError' | 'wrongAnswer';
}

/** `<dataDir>/bootstrap/<collection>/`: the collection's questions.jsonl and runs.jsonl. */
export function bootstrapDir(config: Config, collection?: string): string {
  const root = path.join(dataDir(config), 'bootstrap');
  return collection ? path.join(root, collection) : root;
}

const files = (config: Config, collection: string) => ({
  questions: path.join(bootstrapDir(config, collection), 'questions.jsonl'),
  runs: path.join(bootstrapDir(config, collection), 'runs.jsonl'),
});

function readById<T extends { id: string }>(file: string): Map<string, T> {
  if (!existsSync(file)) return new Map();
  // A line cut short by a kill is the one piece of work not finished: it is skipped and redone
  // (openBootstrapCache ends it, so the next line does not join it).
  const rows = readFileSync(file, 'utf8').split('\n').flatMap((l) => {
    try {
      return l.trim() ? [JSON.parse(l) as T] : [];
    } catch {
      return [];
    }
  });
  return new Map(rows.map((r) => [r.id, r]));
}

export interface BootstrapCache {
  questions: Map<string, BootstrapQuestion>;
  runs: Map<string, BootstrapRun>;
  addQuestion(q: BootstrapQuestion): void;
  addRun(r: BootstrapRun): void;
}

/** A collection's cache; every finished task or run is appended at once, so a killed run loses nothing done. */
export function openBootstrapCache(config: Config, collection: string): BootstrapCache {
  const f = files(config, collection);
  mkdirSync(path.dirname(f.questions), { recursive: true });
  for (const file of [f.questions, f.runs]) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text && !text.endsWith('\n')) appendFileSync(file, '\n');
  }
  const cache: BootstrapCache = {
    questions: readById<BootstrapQuestion>(f.questions),
    runs: readById<BootstrapRun>(f.runs),
    addQuestion(q) {
      appendFileSync(f.questions, JSON.stringify(q) + '\n');
      cache.questions.set(q.id, q);
    },
    addRun(r) {
      appendFileSync(f.runs, JSON.stringify(r) + '\n');
      cache.runs.set(r.id, r);
    },
  };
  return cache;
}

/** Every bootstrapped collection's written questions whose teacher run was kept. */
export function keptBootstrap(config: Config): { question: BootstrapQuestion & { question: string }; run: BootstrapRun }[] {
  const root = bootstrapDir(config);
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((collection) => {
    const f = files(config, collection);
    const runs = readById<BootstrapRun>(f.runs);
    return [...readById<BootstrapQuestion>(f.questions).values()].flatMap((q) => {
      const run = runs.get(q.id);
      return q.question !== undefined && run?.kept ? [{ question: { ...q, question: q.question }, run }] : [];
    });
  });
}
