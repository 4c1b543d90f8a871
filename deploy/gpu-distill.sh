#!/usr/bin/env bash
# The GPU half of a real distillation cycle on a lent H100 (device `run`: no network, no Node,
# 64 MiB carried per call, 16 MiB per returned file). The student GGUF and the trainer's wheels
# travel in <=60 MiB parts over several calls (`stage`), kept under /root/stage while the machine
# stays warm; `train` then installs the wheels offline, trains the LoRA with training/train.py on
# the SFT set built here (understudy's own collect/filter/SFT code), converts it with
# training/convert_lora.py (q8_0, so the r=64 adapter comes back) and splits it into $OUT.
# Usage: deploy/gpu-distill.sh probe | stage DIR... | train SFT_DIR [train.py args...]
set -euo pipefail
cd "$(dirname "$0")/.."
STAGE=/root/stage
mkdir -p "$STAGE"
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1 PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false

case "${1:-}" in
  probe)
    python3 -V
    python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name(0))'
    python3 -m pip list 2>/dev/null | grep -i -E '^(transformers|peft|trl|datasets|accelerate|gguf|safetensors|tokenizers|pyarrow|pandas|numpy|huggingface|jinja2|pyyaml|requests|tqdm|regex|filelock|fsspec|packaging|psutil|dill|xxhash|multiprocess) ' || true
    ;;
  stage)
    shift
    for d in "$@"; do cp "$d"/* "$STAGE"/; done
    ls -la "$STAGE" | tail -n +2 | awk '{s+=$5} END {print "staged bytes:", s}'
    ;;
  train)
    SFT="$2"; shift 2
    t0=$(date +%s)
    if [[ -f "$STAGE/student.gguf.part-0" ]]; then cat "$STAGE"/student.gguf.part-* > /root/student.gguf && rm "$STAGE"/student.gguf.part-*; fi
    echo "student: $(sha256sum /root/student.gguf | cut -c1-64) (expected $(cat .cache/gpu/student.sha256 2>/dev/null || echo '?'))"
    if ls "$STAGE"/*.whl >/dev/null 2>&1; then python3 -m pip install -q --no-index --no-deps "$STAGE"/*.whl; fi
    t1=$(date +%s)
    python3 training/train.py --train "$SFT/train.jsonl" --heldout "$SFT/heldout.jsonl" --out /root/run --base-gguf /root/student.gguf --device cuda "$@" 2>&1 | tr '\r' '\n' | grep -v -E 'it/s\]$|s/it\]$|examples/s\]$' | tee "$OUT/train.log"
    t2=$(date +%s)
    python3 training/convert_lora.py --adapter /root/run/adapter --base-gguf /root/student.gguf --out /root/adapter.gguf --outtype q8_0
    split -b 15M -d -a 1 /root/adapter.gguf "$OUT/adapter.gguf.part-"
    cp /root/run/train-report.json "$OUT/"
    echo "setup $((t1 - t0))s, train.py $((t2 - t1))s, total $(( $(date +%s) - t0 ))s"
    ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
