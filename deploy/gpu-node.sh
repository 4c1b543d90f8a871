#!/usr/bin/env bash
# Runs understudy on a CUDA host that has no Node and no network (an offline GPU host), from
# what deploy/gpu-pack.sh packed. Run from the repo root there:
#   stage DIR...  keep a copied-over .cache/gpu/stage/sNN folder's parts (in $GPU_HOME/stage)
#   install       check and reassemble the parts; unpack Node, node_modules, the models (into
#                 .cache/models), the trainer's wheels (into $GPU_HOME/site) and the data
#   build         build node-llama-cpp's llama.cpp backend with CUDA from the bundled source, for
#                 this GPU's architecture (the prebuilt binary only carries sm_86/89/120 code and
#                 PTX that the driver would JIT for minutes), plus llama-bench and llama-batched-bench
#                 from the same build (CUDA_ARCHITECTURES=90 where no GPU is visible, e.g. in docker
#                 build), after patching node-llama-cpp with two context options and native
#                 decode rounds, and llama.cpp's per-batch sequence checks (engine/patch-node-llama-cpp.mjs)
#   env           print the exports that put this Node, the wheels and the data in use
# GPU_STAGE (default $GPU_HOME/stage) keeps a second pack apart, e.g. `gpu-pack.sh --only teacher`
# staged while the first one's job runs; install unpacks whatever its manifest holds.
# The Dockerfile's GPU target runs the same `build` step (see Dockerfile).
set -euo pipefail
cd "$(dirname "$0")/.."
GPU_HOME=${GPU_HOME:-/root/understudy-gpu}
STAGE=${GPU_STAGE:-$GPU_HOME/stage}
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
mkdir -p "$STAGE"

cuda_arch() { echo "${CUDA_ARCHITECTURES:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d .)}"; }

exports() {
  # node-llama-cpp finds a local build by its build options, custom CMake options included: keep the arch set.
  echo "export NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES=$(cuda_arch)"
  echo "export PATH=$GPU_HOME/node/bin:\$PATH PYTHONPATH=$GPU_HOME/site\${PYTHONPATH:+:\$PYTHONPATH}"
  echo "export UNDERSTUDY_SHARED_DATA=$GPU_HOME/data NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1"
  # node-llama-cpp samples each sequence's token on libuv's thread pool (4 threads by default).
  echo "export UV_THREADPOOL_SIZE=\${UV_THREADPOOL_SIZE:-$(nproc)}"
}

case "${1:-}" in
  stage)
    shift
    for d in "$@"; do cp "$d"/* "$STAGE"/; done
    echo "staged: $(ls "$STAGE" | wc -l) files, $(du -sh "$STAGE" | cut -f1)"
    ;;
  install)
    [[ -f "$STAGE/manifest.txt" ]] || { echo "no manifest.txt staged (it travels in stage/s01)" >&2; exit 1; }
    P=$STAGE.payload
    while read -r name sha; do
      flat=$(echo "$name" | tr / _)
      ls "$STAGE/$flat".part-* >/dev/null 2>&1 || { echo "missing parts of $name: stage every sNN folder first" >&2; exit 1; }
      mkdir -p "$P/$(dirname "$name")"
      cat "$STAGE/$flat".part-* > "$P/$name"
      echo "$sha  $P/$name" | sha256sum -c --quiet || { echo "$name: sha256 mismatch" >&2; exit 1; }
    done < "$STAGE/manifest.txt"
    installed=$(cut -d' ' -f1 "$STAGE/manifest.txt" | paste -sd' ')
    if [[ -f "$P/runtime.tar.xz" ]]; then
      tar -xJf "$P/runtime.tar.xz" -C "$GPU_HOME" node
      tar -xJf "$P/runtime.tar.xz" node_modules
      printf '#!/bin/sh\nexec "%s/node/bin/node" "%s/node/lib/npm/bin/npm-cli.js" "$@"\n' "$GPU_HOME" "$GPU_HOME" > "$GPU_HOME/node/bin/npm"
      printf '#!/bin/sh\nexec "%s/node/bin/node" "%s/node/lib/npm/bin/npx-cli.js" "$@"\n' "$GPU_HOME" "$GPU_HOME" > "$GPU_HOME/node/bin/npx"
      chmod +x "$GPU_HOME/node/bin/"*
      # cmake-js reads Node's headers from its cache rather than downloading them.
      v=$("$GPU_HOME/node/bin/node" --version)
      mkdir -p ~/.cmake-js/node-x64/"$v"/include && cp -r "$GPU_HOME/node/include/node" ~/.cmake-js/node-x64/"$v"/include/
      mkdir -p node_modules/node-llama-cpp/llama/llama.cpp/.git
    fi
    mkdir -p .cache/models
    mv "$P"/models/* .cache/models/
    [[ -f "$P/adapter.gguf" ]] && mv "$P/adapter.gguf" "$GPU_HOME/adapter.gguf"
    if compgen -G "$P/wheels/*.whl" > /dev/null; then
      python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$GPU_HOME/site" "$P"/wheels/*.whl
    fi
    [[ -f "$P/data.tar.xz" ]] && mkdir -p "$GPU_HOME/data" && tar -xJf "$P/data.tar.xz" -C "$GPU_HOME/data"
    rm -rf "$STAGE" "$P"
    echo "installed: $installed"
    ;;
  build)
    eval "$(exports)"
    export CUDACXX=${CUDACXX:-$(command -v nvcc)}
    # The source: packed by gpu-pack.sh, or checked out from node-llama-cpp's bundled release (offline).
    [[ -f node_modules/node-llama-cpp/llama/llama.cpp/CMakeLists.txt ]] \
      || node node_modules/node-llama-cpp/dist/cli/cli.js source download --skipBuild --noUsageExample
    # Adds the kvUnified and backendTopK context options and generateRounds, and bounds llama.cpp's
    # per-batch sequence checks (see the script); idempotent.
    node engine/patch-node-llama-cpp.mjs
    node node_modules/node-llama-cpp/dist/cli/cli.js source build --gpu cuda --noUsageExample 2>&1 | grep -v -E '^\s*$|%\s*$' | tail -20
    out=$(dirname "$(find node_modules/node-llama-cpp/llama/localBuilds -name 'libllama*.so' | head -1)")
    src=node_modules/node-llama-cpp/llama/llama.cpp
    bench=${LLAMA_BENCH:-$GPU_HOME/node/bin/llama-bench}
    g++ -O2 -DNDEBUG -std=c++17 "$src"/tools/llama-bench/main.cpp "$src"/tools/llama-bench/llama-bench.cpp \
      -I"$src"/include -I"$src"/ggml/include -I"$src"/common -I"$src"/vendor -I"$src"/tools/llama-bench \
      "$out"/libllama*.so "$out"/libggml*.so -Wl,-rpath,"$(readlink -f "$out")" -o "$bench"
    # llama.cpp's own multi-sequence decode, the floor for bench:gpu's SAG and throughput ratios.
    g++ -O2 -DNDEBUG -std=c++17 "$src"/tools/batched-bench/main.cpp "$src"/tools/batched-bench/batched-bench.cpp \
      -I"$src"/include -I"$src"/ggml/include -I"$src"/common -I"$src"/vendor -I"$src"/tools/batched-bench \
      "$out"/libllama*.so "$out"/libggml*.so -Wl,-rpath,"$(readlink -f "$out")" -o "$(dirname "$bench")/llama-batched-bench"
    echo "built for sm_$(cuda_arch) in $out; llama-bench and llama-batched-bench in $(dirname "$bench")"
    ;;
  env) exports ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
