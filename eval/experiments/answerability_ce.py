"""Experiment (issue 5): a cross-encoder that reads the question with the top quote and its neighbours
and says whether the source answers it.

The shipped answerability model sees only scores and overlaps of the best candidates (AUROC about
0.68 on tune, leave-one-article-out). SQuAD 2.0's impossible questions were written to be answered
by a nearby sentence that does not quite say it; telling them apart means reading the pair. Here the
packaged MiniLM gets a one-logit head and is fine-tuned as a cross-encoder on (question, the
shipped pipeline's first quote with the sentences before and after it) -> answerable or not, on half
of tune.json's articles; its AUROC is measured on the other half (which neither it nor the encoder
that picked the quotes saw), alone and averaged with the shipped confidence, and on dev.

    .venv/bin/python eval/experiments/answerability_ce.py --folds /tmp/ft/lora-0_4 /tmp/ft/lora-4_8

Never reads seed_qa.jsonl; test.json only with `--report-test` (after the decision, report only).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
import train_scorer as ts  # noqa: E402

from retrieval import Retriever, build_index  # noqa: E402
from retrieval.embedding import DEFAULT_MODEL, get_embedder, packaged_model_path  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.extract import default_scorer, question_features, sentence_table  # noqa: E402

SQUAD = ROOT.parent / "shared/benchmarks/squad-v2"


def contexts(retriever: Retriever, questions, scorer) -> tuple[list[str], np.ndarray]:
    """Per question: its first quote with the sentences around it, and the shipped confidence."""
    rows = ts.labelled_candidates(retriever, questions, ts.PASSAGES, ts.SENTENCES)
    table = sentence_table(retriever)

    def text(row: int) -> str:
        doc_id, span = retriever.sentences[row]
        return retriever.documents[doc_id].text[span.start:span.end]

    out, conf = [], []
    for cands, _, _ in rows:
        if not len(cands.rows):
            out.append("")
            conf.append(-10.0)
            continue
        logits = scorer.sentence.decision(cands.features)
        top = int(cands.rows[int(np.argmax(logits))])
        parts = [table.prev[top], top, table.next[top]]
        out.append(" ".join(text(int(r)) for r in parts if r >= 0))
        conf.append(float(scorer.question.decision(question_features(cands, logits)[None, :])[0]))
    return out, np.array(conf)


def train(pairs, labels, out_dir: Path, epochs: int, lr: float, batch: int, max_len: int):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(str(packaged_model_path()))
    model = AutoModelForSequenceClassification.from_pretrained(str(packaged_model_path()), num_labels=1)
    model.train()
    n = len(pairs)
    steps = epochs * int(np.ceil(n / batch))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(0)
    t0, step, running = time.time(), 0, []
    for _ in range(epochs):
        order = rng.permutation(n)
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            enc = tok([pairs[j][0] for j in idx], [pairs[j][1] for j in idx], truncation="only_second",
                      max_length=max_len, padding=True, return_tensors="pt")
            loss = loss_fn(model(**enc).logits[:, 0], torch.tensor(labels[idx], dtype=torch.float32))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            running.append(loss.item())
            step += 1
            if step % 25 == 0 or step == steps:
                print(f"step {step}/{steps} loss (last 25) {np.mean(running[-25:]):.4f} "
                      f"{time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    model.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return model, tok


def score(model, tok, pairs, max_len: int) -> np.ndarray:
    import torch

    model.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(pairs), 64):
            chunk = pairs[i:i + 64]
            enc = tok([p[0] for p in chunk], [p[1] for p in chunk], truncation="only_second",
                      max_length=max_len, padding=True, return_tensors="pt")
            out.append(model(**enc).logits[:, 0].numpy())
    return np.concatenate(out)


def report(name: str, y: np.ndarray, shipped: np.ndarray, ce: np.ndarray) -> None:
    mixed = rankdata(shipped) + rankdata(ce)
    print(f"{name}: AUROC shipped {roc_auc_score(y, shipped):.3f}, cross-encoder "
          f"{roc_auc_score(y, ce):.3f}, rank average {roc_auc_score(y, mixed):.3f} ({len(y)} questions)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", nargs=2, required=True, metavar=("FIRST", "SECOND"))
    parser.add_argument("--train-half", type=int, choices=(0, 1), default=0,
                        help="train on tune's first (0) or second (1) half of articles")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-len", type=int, default=192)
    parser.add_argument("--out", type=Path, default=Path("/tmp/ace"))
    parser.add_argument("--load", type=Path, default=None,
                        help="score with a cross-encoder saved by an earlier run instead of training one")
    parser.add_argument("--report-test", action="store_true",
                        help="also measure SQuAD test.json (report only, after the decision)")
    args = parser.parse_args()
    scorer = default_scorer()
    groups = load_dataset(SQUAD / "tune.json").groups
    half = len(groups) // 2
    data = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, group in enumerate(groups):
            embedder = get_embedder(ts.fold_encoder(args.folds, n, len(groups)))
            retriever = ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder)
            ctx, conf = contexts(retriever, group.questions, scorer)
            y = np.array([1 if q.answerable else 0 for q in group.questions])
            data.append(([(q.question, c) for q, c in zip(group.questions, ctx)], y, conf))
            print(f"tune article {n + 1}/{len(groups)}", file=sys.stderr, flush=True)
        embedder = get_embedder(DEFAULT_MODEL)
        build_index([ROOT / "data"], Path(tmp) / "dev", embedder=embedder)
        (dev,) = load_dataset(ROOT / "eval/dev_qa.jsonl").groups
        dev_ctx, dev_conf = contexts(Retriever.load(Path(tmp) / "dev", embedder=embedder), dev.questions, scorer)
        test = []
        for n, group in enumerate(load_dataset(SQUAD / "test.json").groups if args.report_test else ()):
            ctx, conf = contexts(ts.article_retriever(group, n, Path(tmp) / f"t{n}", embedder),
                                 group.questions, scorer)
            test.append(([(q.question, c) for q, c in zip(group.questions, ctx)],
                         np.array([1 if q.answerable else 0 for q in group.questions]), conf))
    dev_pairs = [(q.question, c) for q, c in zip(dev.questions, dev_ctx)]
    dev_y = np.array([1 if q.answerable else 0 for q in dev.questions])

    train_ids = range(0, half) if args.train_half == 0 else range(half, len(groups))
    test_ids = [n for n in range(len(groups)) if n not in train_ids]
    pairs = [p for n in train_ids for p in data[n][0]]
    labels = np.concatenate([data[n][1] for n in train_ids])
    print(f"training on {len(pairs)} questions ({labels.mean():.2f} answerable)", file=sys.stderr)
    if args.load:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tok = AutoTokenizer.from_pretrained(args.load)
        model = AutoModelForSequenceClassification.from_pretrained(args.load)
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        model, tok = train(pairs, labels, args.out / f"ce-half{args.train_half}", args.epochs, args.lr,
                           args.batch, args.max_len)
    macro("tune held-out half", [data[n] for n in test_ids], model, tok, args.max_len)
    report("dev", dev_y, dev_conf, score(model, tok, dev_pairs, args.max_len))
    if test:
        macro("test (report only)", test, model, tok, args.max_len)
    return 0


def macro(name: str, articles, model, tok, max_len: int) -> None:
    per_article = []
    for pairs_n, y, conf in articles:
        ce = score(model, tok, pairs_n, max_len)
        per_article.append((roc_auc_score(y, conf), roc_auc_score(y, ce),
                            roc_auc_score(y, rankdata(conf) + rankdata(ce))))
    a = np.array(per_article).mean(axis=0)
    print(f"{name} (macro over {len(articles)} articles): AUROC shipped {a[0]:.3f}, "
          f"cross-encoder {a[1]:.3f}, rank average {a[2]:.3f}")


if __name__ == "__main__":
    sys.exit(main())
