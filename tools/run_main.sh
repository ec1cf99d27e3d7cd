#!/usr/bin/env bash
# Set everything up (.venv, torch, mmhdf) and run the main job: generate
# SynDFER-H, train the HDF CPU recipe, evaluate in-domain and shifted.
# Extra arguments go to tools/main_job.py (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup_env.sh
python tools/main_job.py "$@"
