"""Train the sentence ranker and the answerability model on SQuAD `tune.json`; pick the threshold.

Writes `src/retrieval/scorer.json` (plain numbers, no pickle). Never reads `test.json`.

    .venv/bin/python eval/train_scorer.py \
        --tune ../shared/benchmarks/squad-v2/tune.json --dev eval/dev_qa.jsonl

The abstention threshold is the one that answers the most dev questions correctly while abstaining
on at most `--false-abstain-budget` of the answerable ones.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from tqdm import tqdm

from retrieval import Assistant, Retriever
from retrieval.embedding import get_embedder
from retrieval.extract import (
    QUESTION_FEATURES, SENTENCE_FEATURES, LinearModel, Scorer, default_scorer, question_features,
    sentence_candidates,
)
from retrieval.ingest import make_document
from retrieval.store import build_index_from_documents

ROOT = Path(__file__).resolve().parents[1]


def squad_articles(path: Path):
    """(title, joined text, [(question, [gold spans], is_impossible)]) per article."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    for article in data:
        parts, questions, offset = [], [], 0
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                spans = [(offset + a["answer_start"], offset + a["answer_start"] + len(a["text"]))
                         for a in qa.get("answers", [])]
                questions.append((qa["question"], spans, bool(qa.get("is_impossible"))))
            parts.append(context)
            offset += len(context) + 2
        yield article["title"], "\n\n".join(parts), questions


def labelled_candidates(retriever: Retriever, questions, n_passages: int):
    """Per question: candidates and 0/1 labels (sentence overlaps a gold span)."""
    vectors = retriever.encode([q for q, _, _ in questions])
    out = []
    for (question, spans, impossible), vector in zip(questions, vectors):
        cands = sentence_candidates(retriever, question, vector, n_passages)
        labels = np.array([
            any(s.start < ge and gs < s.end for gs, ge in spans)
            for s in (retriever.sentences[r][1] for r in cands.rows)
        ], dtype=int)
        out.append((cands, labels, impossible))
    return out


def fit_linear(x: np.ndarray, y: np.ndarray, features, c: float = 1.0) -> LinearModel:
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=c, max_iter=2000).fit((x - scaler.mean_) / scale, y)
    return LinearModel(features=tuple(features), coef=model.coef_[0].round(6).tolist(),
                       intercept=round(float(model.intercept_[0]), 6),
                       mean=scaler.mean_.round(6).tolist(), scale=scale.round(6).tolist())


def pick_threshold(conf: np.ndarray, answerable: np.ndarray, correct: np.ndarray, budget: float) -> float:
    """Threshold maximising answered-and-correct with false-abstain rate at most `budget`."""
    best_t, best_gain = 0.0, -1
    n_ans = max(1, int(answerable.sum()))
    for t in np.unique(np.concatenate([[0.0], conf])):
        answered = conf >= t
        false_abstain = float((~answered & answerable).sum()) / n_ans
        if false_abstain > budget:
            continue
        gain = int((answered & correct).sum()) + int((~answered & ~answerable).sum())
        if gain > best_gain:
            best_t, best_gain = float(t), gain
    return best_t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", type=Path, default=ROOT.parent / "shared/benchmarks/squad-v2/tune.json")
    parser.add_argument("--dev", type=Path, default=ROOT / "eval/dev_qa.jsonl")
    parser.add_argument("--index-dir", type=Path, default=ROOT / "index")
    parser.add_argument("--out", type=Path, default=ROOT / "src/retrieval/scorer.json")
    parser.add_argument("--false-abstain-budget", type=float, default=0.05)
    parser.add_argument("--passages", type=int, default=default_scorer().passages_considered)
    args = parser.parse_args()
    if "test" in args.tune.name:
        sys.exit("refusing to train on a test file")

    embedder = get_embedder()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (title, text, questions) in enumerate(tqdm(list(squad_articles(args.tune)), desc="articles")):
            index_dir = Path(tmp) / f"a{n}"
            build_index_from_documents([make_document(text, doc_id=f"a{n}", meta={"title": title})],
                                       index_dir, embedder=embedder)
            rows += labelled_candidates(Retriever.load(index_dir, embedder=embedder), questions, args.passages)

    answerable = [(c, y) for c, y, imp in rows if not imp and y.any()]
    x = np.vstack([c.features for c, _ in answerable])
    y = np.concatenate([y for _, y in answerable])
    sentence_model = fit_linear(x, y, SENTENCE_FEATURES)
    print(f"sentence model: {len(answerable)} questions, {len(y)} candidates, {y.mean():.3f} positive",
          file=sys.stderr)

    qx = np.vstack([question_features(c, sentence_model.decision(c.features)) for c, _, _ in rows])
    qy = np.array([0 if imp else 1 for _, _, imp in rows])
    question_model = fit_linear(qx, qy, QUESTION_FEATURES)

    scorer = Scorer(sentence=sentence_model, question=question_model, threshold=0.5,
                    passages_considered=args.passages)
    scorer = scorer.model_copy(update={"threshold": dev_threshold(scorer, args)})
    scorer = scorer.model_copy(update={"note": (
        f"trained by eval/train_scorer.py on {args.tune.name}; threshold picked on {args.dev.name} "
        f"at false-abstain budget {args.false_abstain_budget}")})
    args.out.write_text(scorer.model_dump_json(indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} (threshold {scorer.threshold:.4f})", file=sys.stderr)
    return 0


def dev_threshold(scorer: Scorer, args) -> float:
    from retrieval.sparse import fold

    records = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    assistant = Assistant.load(args.index_dir, scorer=scorer.model_copy(update={"threshold": 0.0}))
    answers = assistant.ask_batch([r["question"] for r in records], k=1)
    conf = np.array([a.confidence for a in answers])
    answerable = np.array([bool(r["answers"]) for r in records])
    correct = np.array([
        bool(a.citations) and any(fold(g) in fold(a.citations[0].quote) for g in r["answers"])
        for a, r in zip(answers, records)
    ])
    return pick_threshold(conf, answerable, correct, args.false_abstain_budget)


if __name__ == "__main__":
    sys.exit(main())
