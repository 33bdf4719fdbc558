"""Experiment (issue 5): honest figures for a MiniLM fine-tuned on tune.json (`eval/finetune.py`).

Two encoders are fine-tuned on half of tune's articles each (`--articles 0:4`, `--articles 4:8`),
one on all of them. Every tune article is indexed and featurised with the encoder that never saw it,
so the scorer's leave-one-article-out figures are honest; the scorer is trained on those
out-of-fold features, its threshold picked on dev (indexed with the all-articles encoder).

    .venv/bin/python eval/finetune.py --epochs 2 --articles 0:4 --out /tmp/ft-0_4
    .venv/bin/python eval/finetune.py --epochs 2 --articles 4:8 --out /tmp/ft-4_8
    .venv/bin/python eval/finetune.py --epochs 2 --out /tmp/ft-all
    .venv/bin/python eval/experiments/finetuned.py --folds /tmp/ft-0_4 /tmp/ft-4_8 --model /tmp/ft-all \
        --out /tmp/ft-scorer.json --index-dir /tmp/idx-ft
    .venv/bin/python -m retrieval eval --dataset eval/dev_qa.jsonl --index-dir /tmp/idx-ft --scorer /tmp/ft-scorer.json --json
    .venv/bin/python -m retrieval eval --dataset ../shared/benchmarks/squad-v2/test.json --model /tmp/ft-all \
        --scorer /tmp/ft-scorer.json --json     # report only
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
import train_scorer as ts  # noqa: E402

from retrieval import Retriever, build_index  # noqa: E402
from retrieval.embedding import get_embedder  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", type=Path, default=ROOT.parent / "shared/benchmarks/squad-v2/tune.json")
    parser.add_argument("--folds", type=Path, nargs="+", required=True,
                        help="two encoders, fine-tuned on the first and on the second half of tune's "
                             "articles, or one per article, fine-tuned on every article but that one")
    parser.add_argument("--model", type=Path, required=True, help="encoder fine-tuned on all of tune")
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp/idx-ft"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/ft-scorer.json"))
    args = parser.parse_args()
    groups = load_dataset(args.tune).groups
    half = len(groups) // 2
    articles = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, group in enumerate(groups):
            if len(args.folds) == len(groups):
                encoder = args.folds[n]
            elif len(args.folds) == 2:
                encoder = args.folds[1] if n < half else args.folds[0]
            else:
                sys.exit(f"--folds takes 2 or {len(groups)} encoders")
            embedder = get_embedder(str(encoder))
            retriever = ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder)
            articles.append(ts.labelled_candidates(retriever, group.questions, ts.PASSAGES, ts.SENTENCES))
            print(f"tune article {n + 1} (out-of-fold encoder)", file=sys.stderr, flush=True)
    scorer, (hit1, hit3, auroc) = ts.fit_scorer(articles, [[] for _ in articles], ts.PASSAGES, ts.SENTENCES)
    print(f"fine-tuned encoder, tune leave-one-article-out: hit@1 {hit1:.3f} hit@3 {hit3:.3f} "
          f"abstain_auroc {auroc:.3f}", flush=True)
    build_index([ROOT / "data"], args.index_dir, embedder=get_embedder(str(args.model)))
    scorer = ts.fit_on_dev(scorer, Retriever.load(args.index_dir), ROOT / "eval/dev_qa.jsonl", 0.05)
    scorer = scorer.model_copy(update={"note": f"for indexes built with the encoder {args.model}"})
    args.out.write_text(scorer.model_dump_json(indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} (threshold {scorer.threshold:.4f})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
