# GPU image (docker build --target gpu): Node 22 on CUDA's devel base, with node-llama-cpp's
# llama.cpp backend built from its bundled source for CUDA_ARCHITECTURES (90 = H100/H200), by the
# same `deploy/gpu-node.sh build` step that runs on a bare GPU host (it first adds the kvUnified and
# backendTopK context options and native decode rounds to node-llama-cpp, and bounds llama.cpp's
# per-batch sequence checks: engine/patch-node-llama-cpp.mjs). Run it with `--gpus all`.
FROM nvidia/cuda:13.0.1-devel-ubuntu24.04 AS gpu
ARG CUDA_ARCHITECTURES=90
# deploy/setup.sh's flags: `--train` adds the distillation trainer's venv (deploy/compose.yaml's workers).
ARG SETUP_FLAGS=""
COPY --from=node:22-bookworm /usr/local/bin/node /usr/local/bin/node
COPY --from=node:22-bookworm /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && apt-get update && apt-get install -y --no-install-recommends python3 python3-venv build-essential cmake git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV UNDERSTUDY_CACHE=/var/cache/understudy UNDERSTUDY_DATA_DIR=/data
ENV NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES=$CUDA_ARCHITECTURES
# node-llama-cpp samples each sequence's token on libuv's thread pool (4 threads by default); set it to the host's cores.
ENV UV_THREADPOOL_SIZE=16
RUN bash deploy/setup.sh $SETUP_FLAGS && CUDA_ARCHITECTURES=$CUDA_ARCHITECTURES LLAMA_BENCH=/usr/local/bin/llama-bench bash deploy/gpu-node.sh build
VOLUME ["/data"]
EXPOSE 3000 8080
ENTRYPOINT ["node", "bin/understudy.js"]
CMD ["serve"]

# CPU image (the default target): Node 22, the Python venv for Chroma, the default models fetched at
# build time, and node-llama-cpp's addon with native decode rounds (setup's engine/build-addon.sh).
FROM node:22-bookworm AS cpu
ARG SETUP_FLAGS=""
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV UNDERSTUDY_CACHE=/var/cache/understudy UNDERSTUDY_DATA_DIR=/data
RUN bash deploy/setup.sh $SETUP_FLAGS
VOLUME ["/data"]
EXPOSE 3000 8080
ENTRYPOINT ["node", "bin/understudy.js"]
CMD ["serve"]
