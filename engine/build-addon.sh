#!/usr/bin/env bash
# Builds node-llama-cpp's addon with understudy's additions (engine/patch-node-llama-cpp.mjs; the
# one the CPU uses is generateRounds, native decode rounds) against the llama.cpp libraries of
# node-llama-cpp's prebuilt CPU binary, and installs it as the local build node-llama-cpp loads
# before its prebuilt one. Only the addon is compiled (about 15 s on 2 cores), not llama.cpp: the
# headers come from the llama.cpp release node-llama-cpp bundles, the one its binaries were built
# from. Idempotent (a stamp of the inputs). Where this platform has no prebuilt binary or no C++
# compiler it says so and changes nothing: understudy then decodes through node-llama-cpp's own
# token loop. The CUDA build (deploy/gpu-node.sh build) compiles llama.cpp too and skips this.
set -euo pipefail
cd "$(dirname "$0")/.."

NLC=node_modules/node-llama-cpp
platform=$(node -p 'process.platform + "-" + process.arch')
PREBUILT=node_modules/@node-llama-cpp/$platform/bins/$platform
OUT=$NLC/llama/localBuilds/$platform
if [[ ! -f $PREBUILT/llama-addon.node ]] || ! command -v g++ >/dev/null || ! command -v git >/dev/null; then
  echo "build-addon: no prebuilt $platform binary, g++ or git here; decoding through node-llama-cpp's token loop"
  exit 0
fi
STAMP=$(cat engine/build-addon.sh engine/patch-node-llama-cpp.mjs engine/addon/* "$NLC/package.json" | sha256sum | cut -c1-16)
if [[ -f $OUT/buildDone.status && "$(cat "$OUT/.understudy-stamp" 2>/dev/null)" == "$STAMP" ]]; then
  exit 0
fi
echo "build-addon: compiling node-llama-cpp's addon with native decode rounds"
WORK="${UNDERSTUDY_CACHE:-$PWD/.cache}/addon-$STAMP"
rm -rf "$WORK"
mkdir -p "$WORK/src/llama" "$WORK/src/dist/evaluator/LlamaContext" "$WORK/obj"
LLAMA="$WORK/llama.cpp"
git clone -q --no-checkout "$NLC/llama/gitRelease.bundle" "$LLAMA"
git -C "$LLAMA" checkout -q HEAD -- include ggml/include src common vendor
cp -r "$NLC/llama/addon" "$WORK/src/llama/"
cp "$NLC/dist/evaluator/LlamaContext/LlamaContext.js" "$WORK/src/dist/evaluator/LlamaContext/"
node engine/patch-node-llama-cpp.mjs "$WORK/src" > /dev/null

# The flags of node-llama-cpp's own CMake build of the addon (CPU, shared llama.cpp libraries).
export FLAGS="-std=c++17 -O3 -DNDEBUG -fPIC -fexceptions -DBUILDING_NODE_EXTENSION -DNAPI_VERSION=7
  -DGGML_BACKEND_SHARED -DGGML_SHARED -DGGML_USE_CPU -DLLAMA_SHARED -DLLAMA_SUBPROCESS
  -I$PWD/node_modules/node-addon-api -I$PWD/node_modules/node-api-headers/include
  -I$LLAMA -I$LLAMA/common -I$LLAMA/include -I$LLAMA/src -I$LLAMA/ggml/include -I$LLAMA/vendor"
find "$WORK/src/llama/addon" -name '*.cpp' -print0 \
  | xargs -0 -P "$(nproc)" -I{} sh -c 'g++ $FLAGS -c "$1" -o "$2/obj/$(basename "$1" .cpp).o"' _ {} "$WORK"
g++ -shared -o "$WORK/llama-addon.node" "$WORK"/obj/*.o \
  "$PREBUILT/libllama-common.so" "$PREBUILT"/libllama.*.so "$PREBUILT"/libggml.*.so "$PREBUILT/libggml-base.so" \
  -Wl,-rpath,'$ORIGIN'

# node-llama-cpp's local-build layout: the addon beside the libraries (and ggml's CPU variants,
# which it loads from the addon's folder), its build metadata, and the done marker.
rm -rf "$OUT"
mkdir -p "$OUT/Release"
for lib in "$PREBUILT"/*.so "$PREBUILT/_nlcBuildMetadata.json"; do
  ln -s "$(realpath "$lib")" "$OUT/Release/$(basename "$lib")"
done
cp "$WORK/llama-addon.node" "$OUT/Release/"
echo "$STAMP" > "$OUT/.understudy-stamp"
touch "$OUT/buildDone.status"
rm -rf "$WORK"
echo "build-addon: installed $OUT/Release/llama-addon.node"
