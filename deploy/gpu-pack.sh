#!/usr/bin/env bash
# Packs what a GPU host without Node or network needs to run understudy, for a transfer that takes
# at most 64 MiB at a time. Everything lands in .cache/gpu/stage/sNN folders of at most 64 MB (plus the repo, under 64 MiB);
# copy them over one at a time and run `deploy/gpu-node.sh stage` on them, then `install`.
#   runtime.tar.xz  this machine's Node binary and npm, Node's headers (for the addon build),
#                   node_modules without other platforms' binaries, and llama.cpp's source as
#                   node-llama-cpp checks it out from its bundled release (`source download`)
#   models          the student and embedding GGUFs (--teacher adds the teacher)
#   wheels          the trainer's pure-Python wheels the device image lacks (pinned below)
#   data.tar.xz     the shared handbook, wiki and GSM8K files, and an SFT set when --sft DIR is given
#   adapter.gguf    a LoRA trained earlier (--adapter FILE), evaluated instead of training again
# --only MODEL packs that model alone (e.g. the teacher, for a machine that already installed the
# rest) into .cache/gpu/stage-MODEL; stage and install it with GPU_STAGE set (see gpu-node.sh).
# Usage: deploy/gpu-pack.sh [--teacher] [--sft DIR] [--adapter FILE] | --only MODEL
set -euo pipefail
cd "$(dirname "$0")/.."
GPU=.cache/gpu
PAYLOAD=$GPU/payload
STAGE=$GPU/stage
PART_MB=64
SHARED=${UNDERSTUDY_SHARED_DATA:-../shared/data}
MODELS="student embedding"
SFT=""
ADAPTER=""
ONLY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --teacher) MODELS="$MODELS teacher" ;;
    --sft) SFT="$2"; shift ;;
    --adapter) ADAPTER="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [[ -n "$ONLY" ]]; then PAYLOAD=$GPU/payload-$ONLY STAGE=$GPU/stage-$ONLY MODELS=$ONLY; fi
mkdir -p "$PAYLOAD/models" "$PAYLOAD/wheels"

pack_runtime() {
  # runtime.tar.xz: rebuilt when the lockfile or the Node version changes.
  key="$(sha256sum package-lock.json | cut -c1-12)-$(node --version)"
  if [[ "$(cat "$PAYLOAD/runtime.key" 2>/dev/null)" != "$key" ]]; then
    echo "packing the Node runtime ($key)…"
    rt=$GPU/runtime && rm -rf "$rt" && mkdir -p "$rt/node/bin" "$rt/node/lib" "$rt/node/include" "$rt/src/node_modules"
    cp "$(command -v node)" "$rt/node/bin/node"
    cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$rt/node/lib/npm"
    cp -r "$(dirname "$(readlink -f "$(command -v node)")")/../include/node" "$rt/node/include/node"
    # llama.cpp's source exactly as `node-llama-cpp source download` lays it out (offline, from the bundle, patches applied).
    cp -r node_modules/node-llama-cpp "$rt/src/node_modules/"
    (cd "$rt/src" && node node_modules/node-llama-cpp/dist/cli/cli.js source download --skipBuild --noUsageExample > ../source-download.log 2>&1) \
      || { cat "$rt/source-download.log" >&2; exit 1; }
    llama="$rt/src/node_modules/node-llama-cpp/llama/llama.cpp"
    (cd "$llama" && rm -rf .git/* models docs benches examples tests pocs app gguf-py media scripts conversion skills .github ci requirements)
    tar -cf "$GPU/runtime.tar" \
      --exclude='node_modules/@node-llama-cpp' --exclude='node_modules/typescript' --exclude='node_modules/playwright-core' \
      --exclude='node_modules/@types' --exclude='node_modules/@napi-rs' --exclude='node_modules/pdfjs-dist/build' \
      --exclude='node_modules/pdfjs-dist/web' --exclude='*.map' --exclude='*.d.ts' --exclude='*.md' \
      --exclude='node_modules/node-llama-cpp/llama/gitRelease.bundle' --exclude='node_modules/node-llama-cpp/llama/localBuilds' node_modules
    tar -rf "$GPU/runtime.tar" -C "$rt/src" node_modules/node-llama-cpp/llama/llama.cpp
    tar -rf "$GPU/runtime.tar" -C "$rt" node
    xz -T0 -6 -f "$GPU/runtime.tar" && mv "$GPU/runtime.tar.xz" "$PAYLOAD/runtime.tar.xz"
    rm -rf "$rt"
    echo "$key" > "$PAYLOAD/runtime.key"
  fi
}
[[ -n "$ONLY" ]] || pack_runtime

# Models, as the manifest names them (fetched and verified by setup).
rm -f "$PAYLOAD"/models/*
for m in $MODELS; do
  file=$(node -p "require('./models/manifest.json').models['$m'].file")
  [[ -f ".cache/models/$file" ]] || { echo "model $m is missing: run npm run setup" >&2; exit 1; }
  ln -f ".cache/models/$file" "$PAYLOAD/models/$file" 2>/dev/null || cp ".cache/models/$file" "$PAYLOAD/models/$file"
done

rm -f "$PAYLOAD/adapter.gguf"
[[ -n "$ADAPTER" ]] && cp "$ADAPTER" "$PAYLOAD/adapter.gguf"

pack_wheels_and_data() {
  # The trainer's wheels that the device image lacks (it has torch, accelerate and safetensors).
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 -d "$PAYLOAD/wheels" \
    transformers==5.23.0 peft==0.21.2 trl==1.16.0 datasets==5.2.0 gguf==0.19.0 dill==0.4.1 multiprocess==0.70.19

  # Data: the shared handbook, wiki and GSM8K files (never copied into the repo; they travel in the payload).
  data=$GPU/data && rm -rf "$data" && mkdir -p "$data/wiki" "$data/math" "$data/kb"
  cp "$SHARED"/wiki/*.jsonl "$data/wiki/" && cp "$SHARED"/math/gsm8k_{dev,train}.jsonl "$data/math/" && cp -r "$SHARED"/kb/handbook "$data/kb/"
  [[ -n "$SFT" ]] && cp -r "$SFT" "$data/sft"
  tar -C "$data" -cJf "$PAYLOAD/data.tar.xz" . && rm -rf "$data"
}
[[ -n "$ONLY" ]] || pack_wheels_and_data

# Split into parts and deal them into folders of at most PART_MB (the manifest travels in s01).
rm -rf "$STAGE" && mkdir -p "$STAGE/parts"
parts=$(pwd)/$STAGE/parts
(cd "$PAYLOAD" && find . -type f ! -name runtime.key | sort | while read -r f; do
  sha=$(sha256sum "$f" | cut -c1-64)
  split -b "${PART_MB}000000" -d -a 2 "$f" "$parts/$(echo "${f#./}" | tr / _).part-"
  echo "${f#./} $sha"
done) > "$STAGE/manifest.txt"
python3 - "$STAGE" "$PART_MB" <<'PY'
import os, sys
stage, cap = sys.argv[1], int(sys.argv[2]) * 1_000_000
parts = sorted(os.listdir(f"{stage}/parts"), key=lambda p: -os.path.getsize(f"{stage}/parts/{p}"))
bins: list[int] = []
for p in parts:  # first fit, largest first
    size = os.path.getsize(f"{stage}/parts/{p}")
    i = next((i for i, used in enumerate(bins) if used + size <= cap), len(bins))
    if i == len(bins): bins.append(0)
    bins[i] += size
    os.makedirs(f"{stage}/s{i + 1:02d}", exist_ok=True)
    os.rename(f"{stage}/parts/{p}", f"{stage}/s{i + 1:02d}/{p}")
PY
rmdir "$STAGE/parts"
mv "$STAGE/manifest.txt" "$STAGE/s01/"
du -sh "$STAGE"/s*
echo "copy each folder above to the GPU host, then: bash deploy/gpu-node.sh stage $STAGE/sNN"
[[ -z "$ONLY" ]] || echo "(with GPU_STAGE=\$GPU_HOME/stage-$ONLY for stage and install)"
