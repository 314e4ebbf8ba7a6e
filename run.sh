#!/usr/bin/env bash
# Installs the tool (into .venv) and starts the search page on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
# The default embedding engine converts its model once (about 10-30 s) into the user's cache;
# do it here, with a message, rather than during the first visitor's search.
echo "Preparing the embedding model (first run only)..." >&2
.venv/bin/python -m indexer --prepare-model
exec .venv/bin/python -m streamlit run app.py "$@"
