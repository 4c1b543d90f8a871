#!/usr/bin/env bash
# A distillation cycle's measurements on an offline GPU host, once every deploy/gpu-pack.sh folder is
# staged (deploy/gpu-node.sh stage): install; train the LoRA on the SFT set and convert it, while
# the CUDA backend builds; Chroma + the wiki ingest; then, all at once, `understudy eval` of the base
# and the distilled student (N=1 and N=8) on EVAL_LIMIT GSM8K-dev and HotpotQA questions, and, when
# a teacher is staged, its trajectories with and without the first-thought prefix on GENERATE_LIMIT
# GSM8K-train questions; then bench:gpu alone on the GPU. Each call starts what has not
# started yet (a background job that outlives the command, run from a snapshot of the tree), waits up
# to WAIT seconds, and copies what is done to $OUT (a folder the caller collects).
# Usage: deploy/gpu-cycle.sh [WAIT]   env: TRAIN_STEPS (default 60), EVAL_LIMIT (default 50), TEACHER_WAIT (900 s),
#   GENERATE_LIMIT (default 30), TEACHER_EVAL (1: evaluate the teacher too; default 0),
#   EVAL_PARALLEL (questions each eval answers at once; default 8), EVAL_SETS (default "gsm8k wiki"),
#   SKIP_PHASES (comma-separated phase names, e.g. batching,bench,bench-before), QUALITY (1: the answer-quality evals),
#   CYCLE_BENCH_PARTS (bench:gpu's parts in the bench phase)
set -uo pipefail
cd "$(dirname "$0")/.."
GPU_HOME=${GPU_HOME:-/root/understudy-gpu}
W=$GPU_HOME/cycle
STUDENT=.cache/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
mkdir -p "$W"

phase() { # name command...: runs once; its log is $W/name.log, success leaves $W/name.done
  local name=$1; shift
  [[ -f "$W/$name.done" ]] && return 0
  [[ ",${SKIP_PHASES:-}," == *",$name,"* ]] && { echo "== $name skipped"; return 0; }
  echo "== $name start $(date +%T)"
  if "$@" > "$W/$name.log" 2>&1; then touch "$W/$name.done"; echo "== $name done $(date +%T)"
  else echo "== $name FAILED $(date +%T)"; tail -15 "$W/$name.log"; return 1; fi
}

train() {
  # An adapter trained by an earlier run (gpu-pack.sh --adapter) is evaluated as it is.
  if [[ -f "$GPU_HOME/adapter.gguf" ]]; then cp "$GPU_HOME/adapter.gguf" "$W/adapter.gguf"; echo "using the packed adapter"; return; fi
  # The config's LoRA settings (training/train.ts loraArgs), then what this session sets (the last flag wins).
  local lora
  lora=$(node --import tsx --input-type=module -e "import { loadConfig } from './config/index.ts'; import { loraArgs } from './training/train.ts'; console.log(loraArgs(loadConfig()).join(' '))") || return 1
  # shellcheck disable=SC2086
  python3 training/train.py --train "$DATA/sft/train.jsonl" --heldout "$DATA/sft/heldout.jsonl" --out "$W/run" --base-gguf "$STUDENT" \
    $lora --device cuda --batch-size 1 --grad-accum 8 --max-steps "${TRAIN_STEPS:-60}" --save-steps 1000 2>&1 \
    | tr '\r' '\n' | grep -v -E 'it/s\]$|s/it\]$|examples/s\]$'
  python3 training/convert_lora.py --adapter "$W/run/adapter" --base-gguf "$STUDENT" --out "$W/adapter.gguf" --outtype q8_0
}

ingest() {
  setsid node node_modules/chromadb/dist/cli.mjs run --path "$W/chroma" --port 8765 > "$W/chroma.log" 2>&1 < /dev/null &
  for _ in $(seq 60); do python3 -c 'import urllib.request as u; u.urlopen("http://127.0.0.1:8765/api/v2/heartbeat")' 2>/dev/null && break; sleep 1; done
  node --import tsx cli/main.ts ingest "$DATA/wiki/passages.jsonl" --collection wiki
  node --import tsx cli/main.ts ingest "$DATA/kb/handbook" --collection handbook
}

quality_one() { # name dir set mode N [env...]: one `understudy eval` of answer quality, from the tree in dir, in the background
  local name=$1 dir=$2 set=$3 mode=$4 n=$5 args=()
  shift 5
  case $set in
    handbook) args=(--dataset evals/handbook.jsonl --collection handbook); [[ $dir == . ]] && args+=(--split test) || args+=(--limit 60) ;;
    hotpot) args=(--dataset "$DATA/wiki/hotpotqa_questions.jsonl" --collection wiki --limit "${EVAL_LIMIT:-50}") ;;
    gsm8k) args=(--dataset "$DATA/math/gsm8k_dev.jsonl" --collection wiki --limit "${EVAL_LIMIT:-50}") ;;
  esac
  (cd "$dir" && env "$@" node --import tsx cli/main.ts eval "${args[@]}" --mode "$mode" --sag "$n" --parallel "${EVAL_PARALLEL:-8}" \
    --report "$W/quality-$name.json" > "$W/quality-$name.log" 2>&1) &
  pids+=($!)
}

# Answer quality on the team's documents (evals/handbook.jsonl's test split) and on HotpotQA and
# GSM8K: the teacher with each first thought, the student, and the routed system; and, where
# the tree carries an earlier commit in .baseline/ (`git archive COMMIT | tar -x -C .baseline`), that
# commit's teacher and student on the same questions.
quality() {
  pids=()
  for ft in off answer plan; do quality_one "teacher-$ft-handbook" . handbook teacher 1 UNDERSTUDY_TEACHER_FIRST_THOUGHT=$ft; done
  for n in 1 8; do quality_one "student-n$n-handbook" . handbook student "$n"; done
  for set in handbook hotpot gsm8k; do quality_one "routed-n8-$set" . "$set" routed 8; done
  for set in hotpot gsm8k; do quality_one "teacher-plan-$set" . "$set" teacher 1; done
  if [[ -d .baseline ]]; then
    ln -sfn "$PWD/node_modules" .baseline/node_modules; ln -sfn "$PWD/.cache" .baseline/.cache; cp -r evals .baseline/
    quality_one baseline-teacher-handbook .baseline handbook teacher 1
    quality_one baseline-student-n8-handbook .baseline handbook student 8
  fi
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  return $failed
}

eval_one() { # who (base|distilled|teacher) N set (gsm8k|wiki): one `understudy eval` in the background
  local who=$1 n=$2 set=$3 file=$DATA/math/gsm8k_dev.jsonl mode=student env=()
  [[ $set == wiki ]] && file=$DATA/wiki/hotpotqa_questions.jsonl
  [[ $who == distilled ]] && env=("UNDERSTUDY_MODELS_STUDENT_ADAPTER=$W/adapter.gguf")
  [[ $who == teacher ]] && mode=teacher
  env "${env[@]}" node --import tsx cli/main.ts eval --dataset "$file" --limit "${EVAL_LIMIT:-50}" --mode "$mode" --sag "$n" \
    --collection wiki --parallel "${EVAL_PARALLEL:-8}" --report "$W/eval-$who-$set-n$n.json" > "$W/eval-$who-$set-n$n.log" 2>&1 &
  pids+=($!)
}

generate_one() { # off|answer|plan: teacher trajectories on GENERATE_LIMIT GSM8K-train questions with that first thought
  local tag=ft-$1
  node --import tsx cli/main.ts distill generate --questions "$DATA/math/gsm8k_train.jsonl" --limit "${GENERATE_LIMIT:-30}" \
    --first-thought "$1" --no-store --cache "$W/generated-$tag.jsonl" > "$W/generate-$tag.log" 2>&1 &
  pids+=($!)
}

evals() {
  pids=()
  for who in base distilled; do
    for n in 1 8; do
      for set in ${EVAL_SETS:-gsm8k wiki}; do eval_one "$who" "$n" "$set"; done
    done
  done
  # A teacher being staged meanwhile (gpu-pack.sh --only teacher, GPU_STAGE=$GPU_HOME/stage-teacher)
  # generates trajectories with and without the first-thought prefix on the same questions (and is
  # evaluated too with TEACHER_EVAL=1).
  local teacher=.cache/models/$(node -p "require('./models/manifest.json').models.teacher.file")
  local deadline=$(( $(date +%s) + ${TEACHER_WAIT:-900} ))
  while [[ -d $GPU_HOME/stage-teacher && ! -f $teacher ]] && (( $(date +%s) < deadline )); do sleep 5; done
  if [[ -f $teacher ]]; then
    for ft in answer off; do generate_one "$ft"; done
    if [[ ${TEACHER_EVAL:-0} == 1 ]]; then for set in gsm8k wiki; do eval_one teacher 1 "$set"; done; fi
  fi
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  return $failed
}

run() {
  phase install bash deploy/gpu-node.sh install || return 1
  eval "$(bash deploy/gpu-node.sh env)"
  export CHROMA_URL=http://127.0.0.1:8765
  DATA=$GPU_HOME/data
  (phase train train) &
  local trainer=$!
  phase build bash deploy/gpu-node.sh build || return 1
  wait "$trainer"
  # A build whose batched multi-sequence decode garbles text is not fit to serve SAG: nothing after it would mean anything.
  BENCH_PARTS=batching phase batching npm run -s bench:gpu
  if grep -q 'batched decode garbles' "$W/batching.log"; then echo "batched decode garbles text on this build: stopping"; return 1; fi
  # Evals first: the results that matter most if the host's time runs out.
  phase ingest ingest
  [[ -f "$W/train.done" ]] || { echo "no adapter: evaluating the base student only"; }
  phase evals evals
  [[ ${QUALITY:-0} == 1 ]] && phase quality quality
  BENCH_PARTS=${CYCLE_BENCH_PARTS:-decode,knobs,reference,split,gaps,sag,throughput} phase bench npm run -s bench:gpu
  # The same SAG and throughput rows, and #3's bench:agent, with decode rounds inside the addon and
  # through node-llama-cpp's token loop (engine.nativeDecode).
  UNDERSTUDY_ENGINE_NATIVE_DECODE=false BENCH_PARTS=sag,throughput phase bench-loop npm run -s bench:gpu
  BENCH_QUESTIONS=16 BENCH_MAX_TOKENS=256 phase agent npm run -s bench:agent
  UNDERSTUDY_ENGINE_NATIVE_DECODE=false BENCH_QUESTIONS=16 BENCH_MAX_TOKENS=256 phase agent-loop npm run -s bench:agent
  # The same SAG and throughput rows without the patched options and SAG early stop: node-llama-cpp as shipped
  # (one KV stream per sequence, all logits copied) and SAG waiting for all N candidates.
  UNDERSTUDY_ENGINE_KV_UNIFIED=false UNDERSTUDY_ENGINE_BACKEND_TOP_K=0 UNDERSTUDY_AGENT_SAG_EARLY_STOP=false \
    BENCH_PARTS=sag,throughput phase bench-before npm run -s bench:gpu
  BENCH_PARTS=latency BENCH_EVAL_REPORTS=$(ls "$W"/eval-*.json | paste -sd,) phase latency npm run -s bench:gpu
  echo "== all done $(date +%T)"
}

if [[ "${1:-}" == --run ]]; then run; touch "$W/finished"; exit 0; fi
if [[ ! -f "$W/started" ]]; then
  # The job runs from a snapshot: a later call's fresh copy of the working tree must not change code under it.
  touch "$W/started" && mkdir -p "$GPU_HOME/app"
  tar --exclude=./.cache --exclude=./node_modules -cf - . | tar -C "$GPU_HOME/app" -xf -
  (cd "$GPU_HOME/app" && setsid nohup bash deploy/gpu-cycle.sh --run > "$W/cycle.log" 2>&1 < /dev/null &)
fi
deadline=$(( $(date +%s) + ${1:-540} ))
while [[ ! -f "$W/finished" ]] && (( $(date +%s) < deadline )); do sleep 5; done
cat "$W/cycle.log"
if [[ -n "${OUT:-}" ]]; then
  (cd "$W" && tar -czf "$OUT/results.tar.gz" --exclude=chroma --exclude=run --exclude='*.gguf' . 2>/dev/null)
  [[ -f "$W/adapter.gguf" ]] && split -b 15M -d -a 1 "$W/adapter.gguf" "$OUT/adapter.gguf.part-"
  [[ -f "$W/run/train-report.json" ]] && cp "$W/run/train-report.json" "$OUT/"
fi
[[ -f "$W/finished" ]] && echo "cycle finished" || echo "cycle still running: call again"
