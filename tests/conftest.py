"""Shared fixtures: tiny corpora with a fake embedder for exact tests, one real index per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data" / "sbs-2017-04-19-chechnya.txt"

TINY = {
    "cats.txt": "Cats sleep sixteen hours a day. They hunt at dawn and dusk.\n\n"
                "A cat's whiskers sense air currents.",
    "trains.md": "# Trains\n\nThe first steam railway opened in 1825. It ran between Stockton and "
                 "Darlington.\n\nModern high-speed trains exceed 300 km/h.",
}


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in TINY.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def fake_embedder():
    from retrieval.embedding import FakeEmbedder

    return FakeEmbedder(64)


@pytest.fixture
def tiny_index(tiny_corpus: Path, tmp_path: Path, fake_embedder) -> Path:
    from retrieval import build_index

    index_dir = tmp_path / "index"
    build_index([tiny_corpus], index_dir, embedder=fake_embedder)
    return index_dir


@pytest.fixture(scope="session")
def article_index(tmp_path_factory) -> Path:
    """The article indexed with the real packaged model, once per session."""
    from retrieval import build_index

    index_dir = tmp_path_factory.mktemp("article") / "index"
    build_index([ARTICLE], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def assistant(article_index: Path):
    from retrieval import Assistant

    return Assistant.load(article_index)
