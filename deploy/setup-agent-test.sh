#!/usr/bin/env bash
# The agent tests' OpenAI-compatible teacher server: llama.cpp's own HTTP server, shipped as a
# prebuilt PyPI wheel (xllamacpp), in its own venv under the cache. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${UNDERSTUDY_CACHE:-$root/.cache}"
venv="$cache/agent-test-venv"
version="2026.10.11549"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import xllamacpp, sys; sys.exit(xllamacpp.__version__ != '$version')" 2>/dev/null; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "xllamacpp==$version"
