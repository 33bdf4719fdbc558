"""Experiment (issue 5): a linear query adapter for MiniLM, trained on tune.json.

The question's vector q is mapped to W q before its cosine with the (unchanged, packaged-model)
sentence vectors. W starts at the identity and is trained, with a penalty on ||W - I||², so that
the sentence holding the answer wins a softmax over the question's candidates (and over every
sentence of its article). The index does not change; W is 384 x 384 numbers. The adapted cosine
(with its gap to the best and its reciprocal rank) is added to the shipped ranker's features.

    .venv/bin/python eval/experiments/candidates.py   # candidates (shared work files)
    .venv/bin/python eval/experiments/query_adapter.py vectors    # question and sentence vectors
    .venv/bin/python eval/experiments/query_adapter.py report     # tune LOAO, dev, seed, test

test.json is only measured, after every choice is made on tune (leave-one-article-out) and dev.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "eval/experiments"))
import candidates as cand  # noqa: E402

from retrieval.evaluation.datasets import load_dataset  # noqa: E402


def vectors(work: Path) -> None:
    embedder = cand.base_encoder()
    for name, path in (("tune", cand.SQUAD / "tune.json"), ("test", cand.SQUAD / "test.json")):
        out = []
        with tempfile.TemporaryDirectory() as tmp:
            for n, group in enumerate(load_dataset(path).groups):
                r = cand.ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder)
                out.append((r.encode([q.question for q in group.questions]), np.asarray(r.sentence_vectors)))
        (work / f"{name}-vectors.pkl").write_bytes(pickle.dumps(out))
    r = cand.base_article_retriever(embedder)
    for name in ("dev", "seed"):
        (group,) = load_dataset(ROOT / f"eval/{name}_qa.jsonl").groups
        (work / f"{name}-vectors.pkl").write_bytes(pickle.dumps(
            [(r.encode([q.question for q in group.questions]), np.asarray(r.sentence_vectors))]))


def train_adapter(articles, vecs, l2: float, temperature: float = 20.0, steps: int = 300,
                  lr: float = 1e-3, all_sentences: bool = True) -> np.ndarray:
    """W minimising softmax cross-entropy of the positives + l2 * ||W - I||²."""
    import torch

    torch.manual_seed(0)
    qs, groups = [], []
    for article, (qv, sv) in zip(articles, vecs):
        for i, row in enumerate(article):
            y = row["labels"]
            if row["impossible"] or not y.any():
                continue
            rows = row["cands"].rows
            if all_sentences:
                pos = set(int(r) for r, lab in zip(rows, y) if lab)
                pool = np.arange(len(sv))
                target = np.array([1.0 if p in pos else 0.0 for p in pool])
                groups.append((torch.tensor(sv, dtype=torch.float32), torch.tensor(target)))
            else:
                groups.append((torch.tensor(sv[rows], dtype=torch.float32), torch.tensor(y, dtype=torch.float64)))
            qs.append(qv[i])
    q = torch.tensor(np.array(qs), dtype=torch.float32)
    width = max(len(t) for _, t in groups)
    sents = torch.zeros(len(groups), width, q.shape[1])
    pos = torch.zeros(len(groups), width, dtype=torch.bool)
    valid = torch.zeros(len(groups), width, dtype=torch.bool)
    for k, (sv_k, t) in enumerate(groups):
        sents[k, :len(t)], pos[k, :len(t)], valid[k, :len(t)] = sv_k, t > 0, True
    w = torch.nn.Parameter(torch.eye(q.shape[1]))
    eye = torch.eye(q.shape[1])
    opt = torch.optim.Adam([w], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        qa = torch.nn.functional.normalize(q @ w.T, dim=1)
        logits = temperature * torch.einsum("gsd,gd->gs", sents, qa)
        everything = torch.logsumexp(logits.masked_fill(~valid, -1e9), 1)
        positives = torch.logsumexp(logits.masked_fill(~pos, -1e9), 1)
        loss = (everything - positives).mean() + l2 * ((w - eye) ** 2).sum()
        loss.backward()
        opt.step()
    return w.detach().numpy().astype(np.float64)


def adapted(row: dict, qv: np.ndarray, sv: np.ndarray, w: np.ndarray) -> np.ndarray:
    qa = w @ qv
    qa /= np.linalg.norm(qa)
    return sv[row["cands"].rows] @ qa


def report(work: Path, l2s: list[float], all_sentences: bool) -> None:
    tune, tune_v = cand.load(work, "tune"), pickle.loads((work / "tune-vectors.pkl").read_bytes())
    sets = {k: (cand.load(work, k), pickle.loads((work / f"{k}-vectors.pkl").read_bytes()))
            for k in ("dev", "seed", "test")}

    def dense_hits(articles, vecs, w):
        h = []
        for article, (qv, sv) in zip(articles, vecs):
            a = []
            for i, row in enumerate(article):
                if row["impossible"] or len(row["labels"]) == 0:
                    continue
                s = adapted(row, qv[i], sv, w) if w is not None else sv[row["cands"].rows] @ qv[i]
                a.append(bool(row["labels"][int(np.argmax(s))]))
            h.append(np.mean(a))
        return float(np.mean(h))

    def adapted_scores(articles, vecs, w):
        return [[adapted(row, qv[i], sv, w) for i, row in enumerate(article)] for article, (qv, sv) in zip(articles, vecs)]

    def stacked(train_articles, train_extra, articles, extra):
        model = cand.fit_ranker(train_articles, train_extra)
        out = []
        for n, article in enumerate(articles):
            h1, h3, _ = cand.ranked(article, lambda i, row: model.decision(cand.design(row, extra[n][i])))
            out.append((h1, h3))
        return np.array(out).mean(axis=0)

    base_cv = np.mean([cand.ranked(tune[k], lambda i, row, m=cand.fit_ranker(tune[:k] + tune[k + 1:], None):
                                 m.decision(row["cands"].features))[:2] for k in range(len(tune))], axis=0)
    print(f"shipped features: tune LOAO hit@1 {base_cv[0]:.3f} hit@3 {base_cv[1]:.3f}; dense alone LOAO "
          f"{np.mean([dense_hits([tune[k]], [tune_v[k]], None) for k in range(len(tune))]):.3f}", flush=True)
    for l2 in l2s:
        dense_cv, stack_cv = [], []
        for k in range(len(tune)):
            rest, rest_v = tune[:k] + tune[k + 1:], tune_v[:k] + tune_v[k + 1:]
            w = train_adapter(rest, rest_v, l2, all_sentences=all_sentences)
            dense_cv.append(dense_hits([tune[k]], [tune_v[k]], w))
            # adapted scores of the training articles come from W trained on them (slightly optimistic)
            stack_cv.append(stacked(rest, adapted_scores(rest, rest_v, w), [tune[k]], adapted_scores([tune[k]], [tune_v[k]], w)))
        w = train_adapter(tune, tune_v, l2, all_sentences=all_sentences)
        line = [f"l2 {l2}: tune LOAO adapted-dense hit@1 {np.mean(dense_cv):.3f}; stacked hit@1 "
                f"{np.mean([s[0] for s in stack_cv]):.3f} hit@3 {np.mean([s[1] for s in stack_cv]):.3f}"]
        for k, (articles, vecs) in sets.items():
            base = dense_hits(articles, vecs, None)
            st = stacked(tune, adapted_scores(tune, tune_v, w), articles, adapted_scores(articles, vecs, w))
            line.append(f"{k}: dense {base:.3f} -> adapted {dense_hits(articles, vecs, w):.3f}; "
                        f"stacked hit@1 {st[0]:.3f} hit@3 {st[1]:.3f}")
        print("\n  ".join(line), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["vectors", "report"])
    parser.add_argument("--work", type=Path, default=cand.WORK)
    parser.add_argument("--l2", default="0.1,0.01,0.001")
    parser.add_argument("--candidates-only", action="store_true",
                        help="softmax over the question's candidates instead of every sentence")
    args = parser.parse_args()
    if args.step == "vectors":
        vectors(args.work)
    else:
        report(args.work, [float(x) for x in args.l2.split(",")], not args.candidates_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
