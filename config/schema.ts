import { z } from 'zod';
import { engineSchema } from './engine.ts';

/** A model reference: a manifest name (`student`), a local GGUF path, or an `hf:` URI. */
const modelRef = z.string().min(1);

export const configSchema = z
  .object({
    /** Where understudy keeps its state: the log store, Chroma's data, model versions. */
    dataDir: z.string().default('.understudy'),
    /** Where setup caches the venv and the default models (deploy/setup.sh uses the same default). */
    cacheDir: z.string().default('.cache'),
    models: z
      .object({
        student: modelRef.default('student'),
        teacher: modelRef.default('teacher'),
        embedding: modelRef.default('embedding'),
        /** A LoRA adapter (GGUF) applied to the student; normally set by the model registry. */
        studentAdapter: z.string().optional(),
        gpuLayers: z.union([z.literal('auto'), z.literal('max'), z.number().int().min(0)]).default('auto'),
        contextSize: z.number().int().min(512).default(4096),
      })
      .strict()
      .default({}),
    chroma: z
      .object({
        /** An external Chroma server; when unset understudy starts and stops a local one. */
        url: z.string().url().optional(),
        port: z.number().int().min(1).max(65535).default(8765),
        collection: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/, 'Chroma collection names are 3-63 characters of letters, digits, . _ -').default('handbook'),
        /** Ingest skips files larger than this. */
        maxFileMb: z.number().positive().default(50),
        /** How long to wait for a local Chroma server to answer its heartbeat. */
        startTimeoutMs: z.number().int().min(1000).default(60_000),
      })
      .strict()
      .default({}),
    sandbox: z
      .object({
        memoryMb: z.number().int().min(8).max(4096).default(64),
        timeoutMs: z.number().int().min(10).max(600_000).default(5000),
        maxOutputChars: z.number().int().min(100).default(50_000),
      })
      .strict()
      .default({}),
    agent: z
      .object({
        maxSteps: z.number().int().min(1).max(50).default(5),
        sagN: z.number().int().min(1).max(32).default(8),
        /** Stop a SAG step's remaining candidates once they can change neither the winner nor the router's agreement verdict. */
        sagEarlyStop: z.boolean().default(true),
        temperature: z.number().min(0).max(2).default(0.4),
        topP: z.number().gt(0).max(1).default(0.8),
        maxTokensPerStep: z.number().int().min(16).default(512),
        /** The student's system prompt: `short` (the paper's: what it is distilled with), `long` (the teacher's, with worked examples; needs a larger context), `auto` = short once an adapter is loaded, long before. */
        studentPrompt: z.enum(['auto', 'short', 'long']).default('short'),
        searchK: z.number().int().min(1).max(50).default(3),
        /** A question the documents may answer (router.relevance) opens with a search for the question itself, run as the agent's first step (agent/opening.ts). */
        searchFirst: z.boolean().default(true),
        /** Questions whose conversations the student keeps cached at once. Each adds sagN × models.contextSize tokens of KV cache. */
        parallel: z.number().int().min(1).max(64).default(1),
      })
      .strict()
      .default({}),
    /** How node-llama-cpp runs the local models: tuning a lab sets (config/engine.ts, docs/engine.md). */
    engine: engineSchema,
    teacher: z
      .object({
        provider: z.enum(['local', 'openai', 'anthropic', 'ollama', 'none']).default('local'),
        /** Model name for remote providers (the local provider uses models.teacher). */
        model: z.string().optional(),
        baseUrl: z.string().url().optional(),
        apiKey: z.string().optional(),
        timeoutMs: z.number().int().min(100).default(120_000),
        /** What seeds the teacher's first generated step when it answers a user (see agent/first-thought.ts); `off` by docs/benchmarks.md's measurements (the search opening does what `plan` was for). */
        firstThought: z.enum(['off', 'answer', 'plan']).default('off'),
      })
      .strict()
      .default({}),
    router: z
      .object({
        minAgreement: z.number().min(0).max(1).default(0.5),
        maxErrors: z.number().int().min(1).default(2),
        escalateOnAbstain: z.boolean().default(true),
        /** A question whose best passage is at least this similar may be answered by the documents: its answer must then come from a search and be supported by it. */
        relevance: z.number().min(0).max(1).default(0.35),
        /** What a user gets when the teacher's answer to such a question is not grounded: `abstain` ("not found in the documents") or `unverified` (the answer, marked). */
        ungrounded: z.enum(['abstain', 'unverified']).default('abstain'),
        shadowRate: z.number().min(0).max(1).default(0),
      })
      .strict()
      .default({}),
    store: z
      .object({
        /** `sqlite:PATH` (default: the data dir's understudy.db) or `postgres://USER:PASSWORD@HOST:PORT/DB`. */
        url: z.string().optional(),
      })
      .strict()
      .default({}),
    queue: z
      .object({
        /** `redis://HOST:PORT`: questions become jobs on Redis (BullMQ), shared by `serve --role bots` and `serve --role worker` processes. Unset: the process answers what it receives. */
        url: z.string().optional(),
        /** Questions one worker process answers at once. */
        concurrency: z.number().int().min(1).default(2),
        /** How long a worker's claim on a question lasts unless renewed: a question whose worker died goes to another worker after about this long. */
        lockMs: z.number().int().min(1000).default(30_000),
      })
      .strict()
      .default({}),
    slack: z
      .object({
        botToken: z.string().optional(),
        signingSecret: z.string().optional(),
        /** Set: Socket Mode (no public URL needed); unset: the HTTP receiver on `port`. */
        appToken: z.string().optional(),
        /** The HTTP receiver's port (0 picks a free one). */
        port: z.number().int().min(0).max(65535).default(3000),
      })
      .strict()
      .default({}),
    discord: z
      .object({
        token: z.string().optional(),
        applicationId: z.string().optional(),
      })
      .strict()
      .default({}),
    bots: z
      .object({
        perUserConcurrency: z.number().int().min(1).default(1),
        queueSize: z.number().int().min(1).default(32),
        workers: z.number().int().min(1).default(2),
        /** Per-channel overrides, keyed by channel id. */
        channels: z
          .record(z.object({ collection: z.string().optional(), allowTeacher: z.boolean().optional() }).strict())
          .default({}),
      })
      .strict()
      .default({}),
    admin: z
      .object({
        password: z.string().min(8, 'the admin password needs at least 8 characters').optional(),
        /** 0 picks a free port. */
        port: z.number().int().min(0).max(65535).default(8080),
        host: z.string().default('127.0.0.1'),
        /** How long an admin stays signed in. */
        sessionHours: z.number().positive().max(720).default(8),
      })
      .strict()
      .default({}),
    distill: z
      .object({
        /** Cron expression (5 fields, UTC) for `understudy serve` to run the job, e.g. `0 3 * * *`. */
        schedule: z.string().optional(),
        promoteMargin: z.number().min(0).max(1).default(0.02),
        /** `approved`: only admin-approved trajectories; `unflagged`: anything not rejected and without a 👎. */
        policy: z.enum(['approved', 'unflagged']).default('unflagged'),
        /** Share of earlier training examples (from the current version's set) mixed back in. */
        replayShare: z.number().min(0).max(1).default(0.2),
        heldOutShare: z.number().min(0).max(0.9).default(0.1),
        /** What seeds the teacher's first step when it writes distillation trajectories (`distill generate`, bootstrap). */
        firstThought: z.enum(['off', 'answer', 'plan']).default('off'),
        /** JSONL `{question, answer}` evaluated by the gate besides the held-out split. */
        evalSet: z.string().optional(),
        evalLimit: z.number().int().min(1).default(50),
        minExamples: z.number().int().min(1).default(8),
        /** `distill generate` cache files the job trains on, by the source name the data set manifest counts them under, e.g. `{"wiki": [...], "math": [...]}`. */
        generated: z.record(z.string(), z.array(z.string())).default({}),
        /** `distill bootstrap`: questions the teacher writes from a collection's own chunks. */
        bootstrap: z
          .object({
            /** Questions to write per collection (`--questions`); a rerun does only the ones not yet done, a larger number adds more. */
            questions: z.number().int().min(1).default(200),
            /** Share of a collection's documents whose questions are held out for the gate, never trained on. */
            heldOutDocShare: z.number().min(0).max(0.9).default(0.2),
            /** Relative weights of the question kinds. */
            kinds: z
              .object({
                singleHop: z.number().min(0).default(0.4),
                twoDocument: z.number().min(0).default(0.2),
                arithmetic: z.number().min(0).default(0.2),
                unanswerable: z.number().min(0).default(0.2),
              })
              .strict()
              .default({}),
          })
          .strict()
          .default({}),
        /** How far the candidate may be worse than the current student and still be promoted. */
        maxRegression: z
          .object({
            abstention: z.number().min(0).max(1).default(0.05),
            avgSteps: z.number().min(0).default(1),
            latencyRatio: z.number().min(1).default(1.5),
            /** Accuracy on the held-out questions of `distill bootstrap` (the team's own documents). */
            inDomain: z.number().min(0).max(1).default(0.05),
          })
          .strict()
          .default({}),
        /** A Hugging Face checkpoint directory to train on instead of the student GGUF's dequantized weights. */
        baseModel: z.string().optional(),
        device: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
        lora: z
          .object({
            r: z.number().int().min(1).default(64),
            alpha: z.number().min(1).default(128),
            dropout: z.number().min(0).max(1).default(0.05),
            learningRate: z.number().gt(0).default(2e-4),
            epochs: z.number().gt(0).default(2),
            batchSize: z.number().int().min(1).default(4),
            gradAccum: z.number().int().min(1).default(2),
            maxSeqLen: z.number().int().min(64).default(2048),
            /** Stop after this many optimizer steps (0: no cap). */
            maxSteps: z.number().int().min(0).default(0),
            /** GGUF tensor type of the converted adapter (q8_0 halves it against f16). */
            outType: z.enum(['f32', 'f16', 'q8_0']).default('f16'),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
