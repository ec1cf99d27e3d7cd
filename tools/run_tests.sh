#!/usr/bin/env bash
# Set everything up (.venv, torch, mmhdf) and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup_env.sh
python -m pytest -q "$@"
