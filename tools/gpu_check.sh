#!/usr/bin/env bash
# One-command GPU check of the paper recipe (X3D-S + 4 DAM + DSM + SAM, AMP):
# generates a small SynDFER-H at 112^2, trains a fixed number of iterations,
# prints clips/s, data_time / iteration time, peak GPU memory and the loss
# trajectory against the same iterations on the CPU (fp32); writes
# <work-dir>/gpu_check.json. Unattended, < 5 minutes on one GPU.
#   bash tools/gpu_check.sh [--work-dir DIR] [--iters N] [...]
#   bash tools/gpu_check.sh --device cpu --tiny     # the tested CPU path
# All options: python tools/gpu_check.py --help. Exit status 1 on failure.
set -euo pipefail
PYTHON=${PYTHON:-python}
TOOLS_DIR=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH="$TOOLS_DIR/..${PYTHONPATH:+:$PYTHONPATH}" \
"$PYTHON" "$TOOLS_DIR/gpu_check.py" "$@"
