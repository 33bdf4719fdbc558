"""Experiment (issue 5): a cross-encoder reranker fine-tuned from the packaged MiniLM on tune.json.

The packaged all-MiniLM-L6-v2 weights get a one-logit head and are trained, as a cross-encoder, to
say whether a candidate sentence answers the question (the metric's hit). Training pairs come from
tune.json only: every answerable question's candidates (the shipped candidate generator) with their
labels, and the best candidates of its impossible questions as negatives. Its score is then stacked
with the shipped ranker's features.

    .venv/bin/python eval/experiments/candidates.py                       # candidates of tune/dev/seed/test
    .venv/bin/python eval/experiments/cross_encoder.py train --fold 0:4   # train on tune articles 1-4
    .venv/bin/python eval/experiments/cross_encoder.py score --fold 0:4 --sets tune,dev,seed
                                                      # prints hit@1/hit@3 of the cross-encoder alone
                                                      # (tune: articles 5-8 only, which it never saw)

Work files go to --work (default /tmp/ce). Stacking was never run: the cross-encoder alone ranked at
chance level.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "eval/experiments"))
from candidates import WORK, base_scorer, load, ranked  # noqa: E402

from retrieval.embedding import packaged_model_path  # noqa: E402

# -- the cross-encoder -----------------------------------------------------------------------

def pair_text(row: dict, i: int, context: bool) -> str:
    return f"{row['prevs'][i]} [SEP] {row['texts'][i]}" if context and row["prevs"][i] else row["texts"][i]


def training_pairs(articles, negatives: int, impossible_negatives: int, context: bool, seed: int = 0):
    """(question, sentence, label): positives, the shipped ranker's best-scored negatives."""
    ranker = base_scorer().sentence
    rng = np.random.default_rng(seed)
    out = []
    for article in articles:
        for row in article:
            y = row["labels"]
            if len(y) == 0:
                continue
            order = np.argsort(-ranker.decision(row["cands"].features), kind="stable")
            if row["impossible"]:
                picked = order[:impossible_negatives]
            elif y.any():
                neg = [i for i in order if not y[i]]
                picked = [i for i in order if y[i]] + neg[:negatives] + list(
                    rng.choice(neg[negatives:], size=min(2, len(neg[negatives:])), replace=False))
            else:
                continue
            out.extend((row["question"], pair_text(row, int(i), context), float(y[i])) for i in picked)
    rng.shuffle(out)
    return out


def train(pairs, out: Path, epochs: float, lr: float, batch: int, max_len: int) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(str(packaged_model_path()))
    model = AutoModelForSequenceClassification.from_pretrained(str(packaged_model_path()), num_labels=1)
    model.train()
    steps = int(np.ceil(len(pairs) * epochs / batch))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    t0 = time.time()
    for step in range(steps):
        chunk = [pairs[(step * batch + i) % len(pairs)] for i in range(batch)]
        enc = tok([c[0] for c in chunk], [c[1] for c in chunk], truncation="only_second", max_length=max_len,
                  padding=True, return_tensors="pt")
        logits = model(**enc).logits[:, 0]
        loss = loss_fn(logits, torch.tensor([c[2] for c in chunk]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 20 == 0 or step == steps - 1:
            print(f"step {step + 1}/{steps} loss {loss.item():.4f} {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)


def score_sets(model_dir: Path, sets: dict, context: bool, max_len: int) -> dict:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    out = {}
    with torch.inference_mode():
        for name, articles in sets.items():
            scored = []
            for article in articles:
                a = []
                for row in article:
                    texts = [pair_text(row, i, context) for i in range(len(row["texts"]))]
                    if not texts:
                        a.append(np.zeros(0))
                        continue
                    enc = tok([row["question"]] * len(texts), texts, truncation="only_second",
                              max_length=max_len, padding=True, return_tensors="pt")
                    a.append(model(**enc).logits[:, 0].numpy().astype(np.float64))
                scored.append(a)
            out[name] = scored
            print(f"scored {name}", file=sys.stderr, flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["train", "score"])
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--fold", default="all", help="all, or a:b (train on tune articles a..b-1 only)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-len", type=int, default=128)
    parser.add_argument("--negatives", type=int, default=6)
    parser.add_argument("--impossible-negatives", type=int, default=3)
    parser.add_argument("--context", action="store_true")
    parser.add_argument("--name", default="ce")
    parser.add_argument("--sets", default="tune,dev,seed")
    args = parser.parse_args()
    tune = load(args.work, "tune")
    if args.step == "train":
        lo, hi = (0, len(tune)) if args.fold == "all" else map(int, args.fold.split(":"))
        pairs = training_pairs(tune[lo:hi], args.negatives, args.impossible_negatives, args.context)
        print(f"{len(pairs)} pairs, {sum(p[2] for p in pairs):.0f} positive", file=sys.stderr)
        train(pairs, args.work / f"{args.name}-{args.fold.replace(':', '_')}", args.epochs, args.lr,
              args.batch, args.max_len)
        return 0
    sets = {name: load(args.work, name) for name in args.sets.split(",")}
    if args.fold != "all" and "tune" in sets:  # out-of-fold scores only: the fold's own articles are skipped
        lo, hi = map(int, args.fold.split(":"))
        sets["tune"] = [[] if lo <= n < hi else a for n, a in enumerate(sets["tune"])]
    scored = score_sets(args.work / f"{args.name}-{args.fold.replace(':', '_')}", sets, args.context, args.max_len)
    (args.work / f"scores-{args.name}-{args.fold.replace(':', '_')}.pkl").write_bytes(pickle.dumps(scored))
    for name, articles in sets.items():  # the cross-encoder alone, macro over articles
        hits = np.array([ranked(a, lambda i, row, n=n: scored[name][n][i])[:2] for n, a in enumerate(articles) if a])
        print(f"{name}: cross-encoder alone hit@1 {hits[:, 0].mean():.3f} hit@3 {hits[:, 1].mean():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
