"""The encoders: ONNX Runtime (the default) against torch on the packaged model, and the choice rules."""

import numpy as np
import pytest

from retrieval import ConfigError
from retrieval.embedding import (
    FakeEmbedder, OnnxEmbedder, SentenceTransformerEmbedder, get_embedder, is_mean_pooling,
)

TEXTS = [
    "Who rules Chechnya?",
    "“It is a real disaster, it's getting out of control,” she says.",
    "Ramzan Kadyrov " * 200,  # longer than the model's 256-token window: truncated alike
    "🙂 مَن يحكم الشيشان؟",
]


def test_onnx_matches_torch_on_the_packaged_model():
    onnx = get_embedder(backend="onnx")
    torch_ = get_embedder(backend="torch")
    assert isinstance(onnx, OnnxEmbedder) and isinstance(torch_, SentenceTransformerEmbedder)
    a, b = onnx.encode(TEXTS), torch_.encode(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384)
    cosines = np.sum(a * b, axis=1)
    assert cosines.min() >= 0.999
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


def test_auto_prefers_onnx_and_the_environment_can_force_torch(monkeypatch):
    assert isinstance(get_embedder(), OnnxEmbedder)
    monkeypatch.setenv("RETRIEVAL_BACKEND", "torch")
    assert isinstance(get_embedder(), SentenceTransformerEmbedder)
    monkeypatch.setenv("RETRIEVAL_BACKEND", "gpu-magic")
    with pytest.raises(ConfigError, match="auto"):
        get_embedder()


@pytest.mark.parametrize("config, mean", [
    ({"pooling_mode_mean_tokens": True, "word_embedding_dimension": 384}, True),
    ({"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": True}, False),
    ({"pooling_mode_cls_token": True}, False),
    ({"pooling_mode": "mean", "embedding_dimension": 384}, True),  # sentence-transformers 6 format
    ({"pooling_mode": "cls"}, False),
    ({}, False),
])
def test_mean_pooling_configs(config, mean):
    assert is_mean_pooling(config) is mean


def test_fake_embedder_is_deterministic_and_normalised():
    fake = FakeEmbedder(16)
    a, b = fake.encode(["cats sleep", ""]), fake.encode(["cats sleep", ""])
    assert np.array_equal(a, b)
    assert np.isclose(np.linalg.norm(a[0]), 1.0) and not a[1].any()
