# Two commands for users: `make run` and `make test`. Both go through `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 7860
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install install-test run test index eval encoder bench screenshot audit clean

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
	$(BIN)/python -m retrieval index data --index-dir index --known-questions eval/news_train.jsonl --known-questions eval/news_known.jsonl --if-stale

run: index
	$(BIN)/python -m retrieval serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest

eval: install
	$(BIN)/python -m retrieval eval --dataset eval/seed_qa.jsonl

# Remake the shipped encoder adapter and its scorer from SQuAD tune.json (about an hour on 2 cores):
# two adapters on halves of tune, so that the scorer sees each tune article through an encoder that
# never saw it, then the shipped adapter on all of tune, the scorer, and the index.
FOLDS ?= /tmp/retrieval-folds
encoder: install
	$(BIN)/python eval/finetune.py --articles 0:4 --out $(FOLDS)/lora-0_4
	$(BIN)/python eval/finetune.py --articles 4:8 --out $(FOLDS)/lora-4_8
	$(BIN)/python eval/finetune.py --out src/retrieval/encoder
	$(BIN)/python eval/train_scorer.py --folds $(FOLDS)/lora-0_4 $(FOLDS)/lora-4_8
	$(BIN)/python -m retrieval index data --index-dir index --known-questions eval/news_train.jsonl --known-questions eval/news_known.jsonl

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
