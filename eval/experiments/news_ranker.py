"""Tried (twenty-fourth session), not kept: the sentence ranker adapted to news questions for news pages.

The ranker (eval/train_scorer.py) learnt from SQuAD's questions, which are worded close to their
Wikipedia sentences; a journalist's questions are worded away from the page and ask for speakers, parts
of the page and reported speech. This script fits a correction to its weights from news questions written
from the article alone (eval/news_train.jsonl, eval/news_known.jsonl, eval/news_fresh3.jsonl: fifteen
writers), a conditional logit over each answerable question's candidates whose scores are the ranker's
plus the correction, the correction's weights pulled to zero by an L2 penalty. The ranker's known
questions are the project's (eval/news_train.jsonl, eval/news_known.jsonl): each question is asked of an
index that knows every one of them but its own writer's, so that no question finds itself.

The penalty is picked by leave-one-writer-out (each writer's questions ranked by a correction learnt
from the others'); the script prints those figures, the ranker alone (first candidate holds an answer),
for every penalty and for dev, news_fresh and news_fresh2, which it never learns from.

    .venv/bin/python eval/experiments/news_ranker.py

eval/RESULTS.md (twenty-fourth session) has the pipeline's figures with the adapted ranker on news pages
(a scratch `Scorer.news_sentence`): dev hit@1 up one question, the fresh set news_fresh4 down one; dropped.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

from retrieval import Assistant, build_index
from retrieval.evaluation.metrics import contains_answer
from retrieval.extract import (
    SENTENCE_FEATURES, LinearModel, Scorer, pronoun_speaker, sentence_candidates, sentence_table,
)
from retrieval.known import KnownQuestions

ROOT = Path(__file__).resolve().parents[2]
KNOWN = ("eval/news_train.jsonl", "eval/news_known.jsonl")  # the project index's known questions
TRAIN = KNOWN + ("eval/news_fresh3.jsonl",)
CHECK = ("eval/dev_qa.jsonl", "eval/news_fresh.jsonl", "eval/news_fresh2.jsonl")
PENALTIES = (0.01, 0.03, 0.1, 0.3, 1.0)


def read(path: str) -> list[dict]:
    return [json.loads(line) for line in (ROOT / path).read_text(encoding="utf-8").splitlines() if line.strip()]


def writer(row: dict) -> str:
    """A question's writer: the two letters its id starts with (each brief had its own)."""
    return row["id"][:2]


def without_writer(known: KnownQuestions, writers: list[str], left_out: str) -> KnownQuestions:
    """`known` without the questions of `left_out` (`writers`: each known question's writer)."""
    keep = np.array([w != left_out for w in writers], dtype=bool)
    out = KnownQuestions.__new__(KnownQuestions)
    out.questions = [q for q, k in zip(known.questions, keep) if k]
    out.vectors, out.answerable = known.vectors[keep], known.answerable[keep]
    out.rows = [r for r, k in zip(known.rows, keep) if k]
    return out


class Question:
    """One answerable question's candidates: standardised features, the ranker's scores, which hold an answer."""

    def __init__(self, source: str, row: dict, z: np.ndarray, base: np.ndarray, hits: np.ndarray):
        self.source, self.writer = source, writer(row)
        self.z, self.base, self.hits = z, base, hits


def featurise(assistant: Assistant, files: tuple[str, ...], model: LinearModel) -> list[Question]:
    """The answerable questions of `files` with their candidates, each asked with its own writer's known
    questions left out."""
    retriever = assistant.retriever
    known = retriever.known
    origin = {}
    for path in KNOWN:
        for number, line in enumerate((ROOT / path).read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                origin[f"{Path(path).name}, line {number}"] = writer(json.loads(line))
    writers = [origin[Path(q.where).name] for q in known.questions]  # "…/news_train.jsonl, line 12"
    table = sentence_table(retriever)
    mean, scale = np.asarray(model.mean), np.asarray(model.scale)
    out, cache = [], {}
    try:
        for path in files:
            for row in read(path):
                if not row.get("answers"):
                    continue
                w = writer(row)
                if w not in cache:
                    cache[w] = without_writer(known, writers, w)
                retriever.known = cache[w]
                vector = retriever.encode([row["question"]])[0]
                c = sentence_candidates(retriever, row["question"], vector, assistant.scorer.passages_considered,
                                        assistant.scorer.sentences_considered)
                f = c.features.copy()
                if pronoun_speaker(row["question"]) is not None:  # as `Assistant._pipeline` does
                    f[:, SENTENCE_FEATURES.index("known_question")] = 0.0
                hits = np.array([any(contains_answer(table.text(int(r)), a) for a in row["answers"]) for r in c.rows],
                                dtype=bool)
                out.append(Question(path, row, np.nan_to_num((f - mean) / scale), model.decision(f), hits))
    finally:
        retriever.known = known
    return out


def fit(questions: list[Question], penalty: float) -> np.ndarray:
    """The correction (a weight per feature) that maximises the likelihood of the answering candidates
    under a softmax over each question's candidates, scored by the ranker plus the correction."""
    usable = [q for q in questions if q.hits.any() and not q.hits.all()]
    n, width = max(len(q.base) for q in usable), usable[0].z.shape[1]
    z = np.zeros((len(usable), n, width))
    base = np.full((len(usable), n), -np.inf)
    hit = np.zeros((len(usable), n), dtype=bool)
    for i, q in enumerate(usable):
        z[i, :len(q.base)], base[i, :len(q.base)], hit[i, :len(q.base)] = q.z, q.base, q.hits

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = base + z @ w  # padding stays at -inf
        s_hit = np.where(hit, s, -np.inf)
        all_, hits_ = logsumexp(s, axis=1), logsumexp(s_hit, axis=1)
        p_all, p_hit = np.exp(s - all_[:, None]), np.exp(s_hit - hits_[:, None])
        grad = np.einsum("qn,qnf->f", p_all - p_hit, z)
        return float(np.mean(all_ - hits_)) + penalty * w @ w, grad / len(usable) + 2 * penalty * w

    return minimize(loss, np.zeros(width), jac=True, method="L-BFGS-B").x


def ranked(questions: list[Question], w: np.ndarray | None) -> tuple[int, int, int]:
    """How many of `questions` have an answer first, in the first three; how many there are."""
    first = three = 0
    for q in questions:
        if len(q.base):
            order = np.argsort(-(q.base if w is None else q.base + q.z @ w), kind="stable")
            first += bool(q.hits[order[0]])
            three += bool(q.hits[order[:3]].any())
    return first, three, len(questions)


def share(counts: tuple[int, int, int]) -> str:
    first, three, n = counts
    return f"{first / n:.3f} / {three / n:.3f} ({n})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scorer", type=Path, default=ROOT / "src/retrieval/scorer.json")
    parser.add_argument("--penalties", type=float, nargs="+", default=PENALTIES)
    args = parser.parse_args()
    scorer = Scorer.load(args.scorer)
    with tempfile.TemporaryDirectory(prefix="news-ranker-") as tmp:
        build_index([ROOT / "data"], Path(tmp), known_questions=[ROOT / p for p in KNOWN])
        assistant = Assistant.load(tmp, scorer=scorer)
        train = featurise(assistant, TRAIN, scorer.sentence)
        check = {path: featurise(assistant, (path,), scorer.sentence) for path in CHECK}
    writers = sorted({q.writer for q in train})
    print(f"{len(train)} answerable questions by {len(writers)} writers; ranker alone, hit@1 / hit@3 (n)")
    print(f"  leave-one-writer-out, tune's ranker: {share(ranked(train, None))}")
    best = None
    for penalty in args.penalties:
        pooled = np.zeros(3, dtype=int)
        for left_out in writers:
            w = fit([q for q in train if q.writer != left_out], penalty)
            pooled += ranked([q for q in train if q.writer == left_out], w)
        print(f"  leave-one-writer-out, penalty {penalty}: {share(tuple(pooled))}")
        if best is None or tuple(pooled[:2]) > best[1]:
            best = (penalty, tuple(pooled[:2]))
    penalty = best[0]
    w = fit(train, penalty)
    print(f"penalty {penalty} (the best leave-one-writer-out hit@1, then hit@3), learnt from all {len(train)}:")
    for path, questions in check.items():
        print(f"  {path}: tune's ranker {share(ranked(questions, None))}, adapted {share(ranked(questions, w))}")
    top = np.argsort(-np.abs(w))[:8]
    print("  largest corrections:", ", ".join(f"{SENTENCE_FEATURES[i]} {w[i]:+.2f}" for i in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
