# Two commands for users: `make run` and `make test`. Both go through `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 7860
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install install-test run test index eval bench screenshot audit clean

# The stamp is remade only when pyproject.toml changes, so a second `make install` is quick.
$(VENV)/.install-stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU build of torch (see README for other machines), before anything can pull a CUDA one.
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.install-test-stamp: $(VENV)/.install-stamp
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.install-stamp

install-test: $(VENV)/.install-test-stamp

index: install
	$(BIN)/python -m retrieval index data --index-dir index --if-stale

run: index
	$(BIN)/python -m retrieval serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest

eval: install
	$(BIN)/python -m retrieval eval --dataset eval/seed_qa.jsonl

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

screenshot: install-test index
	$(BIN)/python scripts/screenshot.py

bench: install-test index
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/load.py --start-server --clients 1 8 32 --requests 200
	$(BIN)/python bench/plots.py

audit: install
	bash scripts/audit.sh
