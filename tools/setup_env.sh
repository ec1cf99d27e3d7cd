#!/usr/bin/env bash
# Create (or reuse) the local virtual environment .venv with torch and mmhdf.
# Sourced by tools/run_main.sh and tools/run_tests.sh; safe to run again.
#   PYTHON       interpreter to build the venv with (default: python3.11 or python3)
#   VENV         venv folder (default: <repo>/.venv)
#   TORCH_SPEC   torch requirement (default: torch==2.13.0; keeps an existing torch)
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-"$REPO_ROOT/.venv"}
if [ -z "${PYTHON:-}" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "[mmhdf] creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip 'setuptools<81' wheel
if ! "$PY" -c 'import torch' >/dev/null 2>&1; then
  TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
  echo "[mmhdf] installing $TORCH_SPEC"
  "$PY" -m pip install -q "$TORCH_SPEC"
fi
echo "[mmhdf] installing mmhdf and its dependencies"
"$PY" -m pip install -q -e "$REPO_ROOT[tests,face]"
if ! "$PY" -c 'import mediapipe.python.solutions.face_detection' >/dev/null 2>&1; then
  # BlazeFace face detector: mediapipe 0.10.21 is the last wheel with its
  # .tflite models inside; without its numpy<2 / protobuf<5 pins, which
  # would downgrade numpy, opencv and protobuf (the detector runs on both).
  echo "[mmhdf] installing mediapipe 0.10.21 (face detector, --no-deps)"
  "$PY" -m pip install -q --no-deps 'mediapipe==0.10.21'
fi
if ! "$PY" -c 'import mim' >/dev/null 2>&1; then
  # openmim for `mim search/train/test mmhdf` (tests/tools/test_mim.py).
  # Without its opendatalab dependency, which mim never imports and which
  # would downgrade setuptools / packaging / rich in this environment.
  echo "[mmhdf] installing openmim (without opendatalab)"
  "$PY" -m pip install -q --no-deps 'openmim==0.3.9'
  "$PY" -m pip install -q model-index click colorama tabulate requests \
    pandas rich
fi
"$PY" -c 'import mmhdf, mmaction.models, torch; print("[mmhdf] ready: mmhdf", mmhdf.__version__, "torch", torch.__version__, "cuda" if torch.cuda.is_available() else "cpu")' 2>/dev/null
export PATH="$VENV/bin:$PATH"
