"""Experiment (issue 5): late-interaction (MaxSim) features over MiniLM's token vectors; since the
eighth session shipped in the ranker (`retrieval.extract.maxsim_features`), each sentence's token vectors
encoded on first use and cached instead of stored in the index.

For each candidate sentence, the question's content tokens (stop words and punctuation dropped) are
matched to the sentence's tokens by cosine of their contextual vectors (the ONNX encoder's last hidden
state, each text encoded alone), ColBERT-style: mean over question tokens of the best match. Eight
features (sentence alone, sentence with its neighbours, share of tokens matched above 0.8, the
reverse direction, the weakest match, gaps to the best candidate) are added to the shipped
ranker's features; logistic rankers with and without them are compared:

- tune.json leave-one-article-out (train on 7 articles, measure on the 8th), macro hit@1 / hit@3;
- eval/dev_qa.jsonl and SQuAD test.json (report only), rankers trained on all of tune.

    .venv/bin/python eval/experiments/late_interaction.py

Figures are for ranking only (the candidates' best-first order, without de-duplicating overlapping
quotes), so they can differ from `retrieval eval` by ~0.01.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "eval/experiments"))
import candidates as cand  # noqa: E402
import train_scorer as ts  # noqa: E402

from retrieval.embedding import OnnxEmbedder  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.extract import SENTENCE_FEATURES, sentence_table  # noqa: E402

SQUAD = ROOT.parent / "shared/benchmarks/squad-v2"
STOP = set("the a an of to in on at for by with and or is was were are be been it its this that which who "
           "whom whose what when where why how did do does from as into".split())


def token_vectors(embedder: OnnxEmbedder, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text: unit token vectors without [CLS]/[SEP], and a mask of content tokens."""
    out = []
    for i in range(0, len(texts), 32):
        encodings = embedder.tokenizer.encode_batch(texts[i:i + 32])
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), np.int64)
        mask = np.zeros_like(ids)
        for r, e in enumerate(encodings):
            ids[r, :len(e.ids)], mask[r, :len(e.ids)] = e.ids, e.attention_mask
        hidden = embedder.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
        for r, e in enumerate(encodings):
            n = len(e.ids)
            h = hidden[r, 1:n - 1]
            h = h / np.linalg.norm(h, axis=1, keepdims=True)
            tokens = e.tokens[1:n - 1]
            keep = np.array([t.startswith("##") or (t.isalnum() and t not in STOP) for t in tokens], bool)
            out.append((h.astype(np.float32), keep))
    return out


def maxsim_features(retriever, questions, rows, embedder) -> list[np.ndarray]:
    table = sentence_table(retriever)
    texts = [retriever.documents[d].text[s.start:s.end] for d, s in retriever.sentences]
    sentence_tokens = token_vectors(embedder, texts)
    out = []
    for (cands, _, _), (qh, keep) in zip(rows, token_vectors(embedder, [q.question for q in questions])):
        q = qh[keep] if keep.any() else qh
        feats = []
        for r in map(int, cands.rows):
            own = sentence_tokens[r][0]
            context = [own] + [sentence_tokens[x][0] for x in (table.prev[r], table.next[r]) if x >= 0]
            sims = q @ own.T
            best = sims.max(axis=1)
            best_ctx = (q @ np.vstack(context).T).max(axis=1)
            feats.append([best.mean(), best_ctx.mean(), (best > 0.8).mean(), (best_ctx > 0.8).mean(),
                          sims.max(axis=0).mean(), best.min()])
        f = np.array(feats).reshape(len(feats), 6)
        out.append(np.column_stack([f, f[:, 0] - f[:, 0].max(initial=0), f[:, 1] - f[:, 1].max(initial=0)]))
    return out


def collect(retriever, questions, embedder):
    rows = ts.labelled_candidates(retriever, questions, ts.PASSAGES, ts.SENTENCES)
    return rows, maxsim_features(retriever, questions, rows, embedder)


def squad_articles(path: Path, embedder) -> list:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, group in enumerate(load_dataset(path).groups):
            out.append(collect(ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder), group.questions,
                               embedder))
            print(f"{path.name} article {n + 1}", file=sys.stderr, flush=True)
    return out


SECTION = SENTENCE_FEATURES.index("section_named")  # always 0 on SQuAD


def design(cands, extra, with_li: bool) -> np.ndarray:
    x = np.delete(cands.features, SECTION, axis=1)
    return np.column_stack([x, extra]) if with_li else x


def fit(articles, with_li: bool):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    xs, ys = [], []
    for rows, extra in articles:
        for (c, y, impossible), e in zip(rows, extra):
            if not impossible and y.any():
                xs.append(design(c, e, with_li))
                ys.append(y)
    x, y = np.vstack(xs), np.concatenate(ys)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 1e-9, scaler.scale_, 1.0)
    model = LogisticRegression(max_iter=3000).fit((x - scaler.mean_) / scale, y)
    return lambda x: ((x - scaler.mean_) / scale) @ model.coef_[0]


def hits(score, article, with_li: bool) -> tuple[float, float]:
    rows, extra = article
    h1, h3 = [], []
    for (c, y, impossible), e in zip(rows, extra):
        if impossible:
            continue
        order = np.argsort(-score(design(c, e, with_li)), kind="stable") if len(y) else np.zeros(0, int)
        h1.append(bool(y[order[:1]].any()) if len(y) else False)
        h3.append(bool(y[order[:3]].any()) if len(y) else False)
    return float(np.mean(h1)), float(np.mean(h3))


def main() -> int:
    import argparse

    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    embedder = cand.base_encoder(backend="onnx")
    tune = squad_articles(SQUAD / "tune.json", embedder)
    (dev_group,) = load_dataset(ROOT / "eval/dev_qa.jsonl").groups
    dev = collect(cand.base_article_retriever(embedder), dev_group.questions, embedder)
    test = squad_articles(SQUAD / "test.json", embedder)
    for with_li in (False, True):
        cv = np.array([hits(fit(tune[:k] + tune[k + 1:], with_li), tune[k], with_li) for k in range(len(tune))])
        score = fit(tune, with_li)
        t = np.array([hits(score, a, with_li) for a in test])
        d = hits(score, dev, with_li)
        print(f"{'with' if with_li else 'without'} MaxSim: tune LOAO hit@1 {cv[:, 0].mean():.3f} hit@3 "
              f"{cv[:, 1].mean():.3f} | dev {d[0]:.3f} / {d[1]:.3f} | test (macro) {t[:, 0].mean():.3f} / "
              f"{t[:, 1].mean():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
