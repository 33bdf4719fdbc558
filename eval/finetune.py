"""Fine-tune the packaged MiniLM on SQuAD `tune.json` (question -> gold sentence); an experiment for issue 5.

    .venv/bin/python eval/finetune.py --out /tmp/minilm-ft

Pairs: each answerable tune question with its gold sentence, the pysbd sentence of the article
(`retrieval.ingest.make_document`, as the index splits it) that holds the answer span, plus one hard
negative: the highest-BM25 (or, with `--negatives dense`, highest-dense under the packaged model)
sentence of the same article that holds neither the span nor a gold answer. Loss:
MultipleNegativesRankingLoss (in-batch negatives + the hard negative), batches without duplicate
texts. Trained with `SentenceTransformer.old_fit` because the `datasets` package that the Trainer
(and `fit`) need is not installed. The model is saved to `--out` (outside the repo: ~90 MB) with the
packaged max_seq_length (256) restored, so that it encodes passages as the packaged model does.
Never reads test.json.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402

from retrieval.embedding import packaged_model_path  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.evaluation.metrics import contains_answer  # noqa: E402
from retrieval.ingest import make_document  # noqa: E402
from retrieval.sparse import SparseIndex  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def article_triples(text: str, questions, negatives: str, model=None):
    """(question, gold sentence, hard negative) for the answerable questions of one article."""
    doc = make_document(text, doc_id="a")
    spans = [(s.start, s.end) for p in doc.paragraphs for s in p.sentences]
    sentences = [text[a:b] for a, b in spans]
    answerable = [(q.question, q.spans) for q in questions if q.answerable and q.spans]
    if negatives == "bm25":
        bm25 = SparseIndex.build(sentences)
        scores = [bm25.scores(q) for q, _ in answerable]
    elif negatives == "dense":
        sv = model.encode(sentences, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        qv = model.encode([q for q, _ in answerable], batch_size=64, normalize_embeddings=True,
                          convert_to_numpy=True)
        scores = list(qv @ sv.T)
    else:
        scores = [None] * len(answerable)
    out, missed = [], 0
    for (question, gold), score in zip(answerable, scores):
        answers = [text[a:b] for a, b in gold]
        gold_rows = [i for i, (a, b) in enumerate(spans) if any(a <= gs and ge <= b for gs, ge in gold)]
        if not gold_rows:  # an answer that crosses a sentence boundary
            missed += 1
            continue
        bad = set(gold_rows) | {i for i, s in enumerate(sentences) if any(contains_answer(s, x) for x in answers)}
        negative = None
        if score is not None:
            for i in np.argsort(-np.asarray(score), kind="stable"):
                if int(i) not in bad:
                    negative = sentences[int(i)]
                    break
        out.append((question, sentences[gold_rows[0]], negative))
    return out, missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", type=Path, default=ROOT.parent / "shared/benchmarks/squad-v2/tune.json")
    parser.add_argument("--out", type=Path, default=Path("/tmp/minilm-ft"))
    parser.add_argument("--negatives", choices=("bm25", "dense", "none"), default="bm25")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--articles", default=None,
                        help="train on tune's articles a..b-1 only (a:b), for out-of-fold figures")
    parser.add_argument("--exclude", type=int, default=None,
                        help="train on every tune article but this one (0-based), for leave-one-out figures")
    args = parser.parse_args()
    if "test" in args.tune.name:
        sys.exit("refusing to train on a test file")
    try:
        args.out.resolve().relative_to(ROOT)
        sys.exit(f"{args.out} is inside the repository; save the model elsewhere (e.g. /tmp/minilm-ft)")
    except ValueError:
        pass

    import torch
    from sentence_transformers import InputExample, SentenceTransformer
    from sentence_transformers.sentence_transformer import losses
    from sentence_transformers.sentence_transformer.datasets.no_duplicates_dataloader import (
        NoDuplicatesDataLoader,
    )

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(os.cpu_count() or 2)

    t0 = time.perf_counter()
    model = SentenceTransformer(str(packaged_model_path()), device="cpu")
    packaged_len = model.max_seq_length
    triples, missed = [], 0
    groups = load_dataset(args.tune).groups
    if args.articles:
        lo, hi = map(int, args.articles.split(":"))
        groups = groups[lo:hi]
    if args.exclude is not None:
        groups = [g for n, g in enumerate(groups) if n != args.exclude]
    for group in groups:
        got, miss = article_triples(group.text, group.questions, args.negatives, model)
        triples += got
        missed += miss
    with_neg = sum(t[2] is not None for t in triples)
    t1 = time.perf_counter()
    print(f"pairs: {len(triples)} (hard negative for {with_neg}; {missed} answers cross a sentence "
          f"boundary, skipped) in {t1 - t0:.1f} s", file=sys.stderr)

    examples = [InputExample(texts=[q, p, n] if n is not None else [q, p]) for q, p, n in triples]
    if args.negatives != "none":
        examples = [e for e in examples if len(e.texts) == 3]  # one batch shape for the loss
    loader = NoDuplicatesDataLoader(examples, batch_size=args.batch_size)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.max_seq_length = args.max_seq_length
    steps = len(loader) * args.epochs
    model.old_fit(train_objectives=[(loader, loss)], epochs=args.epochs,
                  warmup_steps=max(1, int(0.1 * steps)), optimizer_params={"lr": args.lr},
                  show_progress_bar=sys.stderr.isatty())
    t2 = time.perf_counter()
    model.max_seq_length = packaged_len
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(str(args.out))
    t3 = time.perf_counter()
    print(f"trained {args.epochs} epoch(s), {steps} steps of {args.batch_size} in {t2 - t1:.1f} s "
          f"({(t2 - t1) / max(1, steps):.2f} s/step); saved {args.out} in {t3 - t2:.1f} s; "
          f"total {t3 - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
