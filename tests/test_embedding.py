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


def test_packaged_export_runs_fused_attention():
    import onnx

    from retrieval.embedding import export_onnx, packaged_model_path

    ops = {node.op_type for node in onnx.load(str(export_onnx(packaged_model_path()))).graph.node}
    assert {"Attention", "EmbedLayerNormalization", "SkipLayerNormalization"} <= ops


def test_fusion_is_skipped_for_other_architectures_and_on_failure(tmp_path):
    from types import SimpleNamespace

    from retrieval.embedding import fuse_transformer

    path = tmp_path / "model.onnx"
    path.write_bytes(b"not an onnx graph")
    assert fuse_transformer(path, SimpleNamespace(model_type="t5")) is False
    with pytest.warns(UserWarning, match="plain export"):
        assert fuse_transformer(path, SimpleNamespace(model_type="bert", num_attention_heads=12,
                                                      hidden_size=384)) is False
    assert path.read_bytes() == b"not an onnx graph"  # left as exported


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


def test_token_vectors_match_across_backends_and_pool_to_the_sentence_vector():
    onnx, torch_ = get_embedder(backend="onnx"), get_embedder(backend="torch")
    a, b = onnx.encode_tokens(TEXTS), torch_.encode_tokens(TEXTS)
    for (va, ta), (vb, tb), text in zip(a, b, TEXTS):
        assert ta == tb and len(ta) == len(va)  # the same tokens, [CLS] and [SEP] left out
        assert np.sum(va * vb, axis=1).min() >= 0.999
        assert np.allclose(np.linalg.norm(va, axis=1), 1.0, atol=1e-5)
    assert a[0][1] == ("who", "rules", "che", "##ch", "##nya", "?")
    assert len(a[2][1]) == 254  # truncated to the model's window, less its two markers
    # one run gives both, and the same vectors as `encode`
    for embedder, alone in ((onnx, a), (torch_, b)):
        vectors, tokens = embedder.encode_with_tokens(TEXTS)
        assert np.allclose(vectors, embedder.encode(TEXTS), atol=1e-5)
        assert all(np.allclose(t[0], x[0], atol=1e-5) and t[1] == x[1] for t, x in zip(tokens, alone))


def test_fake_token_vectors_match_equal_words_only():
    (vectors, words), = FakeEmbedder(64).encode_tokens(["Cats chase cats"])
    assert words == ("cats", "chase", "cats")
    assert np.isclose(vectors[0] @ vectors[2], 1.0) and np.isclose(np.linalg.norm(vectors[1]), 1.0)
