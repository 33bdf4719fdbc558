"""Experiment (issue 5, not shipped): new answerability features for the abstention AUROC on SQuAD v2.

The shipped answerability model is a logistic model over `extract.QUESTION_FEATURES`, trained in
`eval/train_scorer.py` on out-of-fold sentence scores. Here feature families are appended to those
features and the same model (same recipe: standardised, L2, C 0.5) is refitted:

- `maxsim`: late interaction between the question's content tokens and the top-ranked sentence
  (alone, and with its neighbours): mean best match, weakest match, share of tokens matched above
  0.7 / 0.8 / 0.9, IDF-weighted mean and most important poorly-matched token (wordpiece IDF over the
  index's sentences), the best weakest match among the top 3 sentences. Token vectors are the ONNX
  encoder's last hidden state, each text encoded alone (`late_interaction.token_vectors`).
- `emb`: the question vector times, and minus (absolute), the top sentence's vector (768 columns);
  their block gets its own, stronger L2 penalty: after standardising, the block is multiplied by a
  weight w in `EMB_WEIGHTS` (a penalty 1 / w^2 times the other features'), w picked by inner
  leave-one-article-out on the training articles only.
- `lex`: cheap lexical checks aimed at SQuAD v2's impossible questions (a swapped entity, a negation,
  an antonym or a detail the paragraph does not give): negation in the top context and its mismatch
  with the question's, superlative / ordinal / comparative words of the question missing from the top
  context, counts of question words missing from the top context and the document, question names and
  numbers missing from the document, the best context coverage of any candidate, the top's bigram
  match, whether the ranker's top is the dense top, the wh-word.
- `qbow`, `missbag` (256 hashed columns each, a block penalised like `emb`): the question's words and
  word pairs (its wording alone), and the question's words missing from the top context (a learned
  version of `lex`'s negation / modifier checks).

Protocol (as `train_scorer.fit_scorer`): each tune article is indexed alone and featurised with the
half-tune LoRA adapter that never saw it (`--folds`, `train_scorer.fold_encoder`); its sentence
scores come from a ranker trained on the other 7 articles (length penalty 0.5, as shipped). Tune
figure: leave-one-article-out AUROC of the answerability model (train on 7 articles' out-of-fold
features, score the 8th), macro over the 8 articles (as train_scorer prints), pooled in brackets.
dev (eval/dev_qa.jsonl, the data/ index) and SQuAD test.json (each article alone, macro over
articles; REPORT ONLY, never chosen on) use the shipped encoder and models trained on all of tune.
Also: tune LOAO hit@1 / hit@3 when the 8 candidate-level MaxSim features of `late_interaction.py` are
added to the sentence ranker, and the AUROC that ranker gives.

    git show 794cf65:eval/dev_qa.jsonl > /tmp/ans-exp/dev_qa-HEAD.jsonl   # the 40 dev questions of 794cf65
    nice -n 10 .venv/bin/python eval/experiments/answerability.py --dev /tmp/ans-exp/dev_qa-HEAD.jsonl \
        --variants baseline +maxsim +lex +maxsim+lex --maxsim-ranker-variants baseline +maxsim +maxsim+lex
    nice -n 10 .venv/bin/python eval/experiments/answerability.py --dev /tmp/ans-exp/dev_qa-HEAD.jsonl \
        --variants +emb +qbow +missbag +maxsim+lex+missbag --maxsim-ranker-variants

Featurisation (indexes, token vectors of every sentence and question) is cached under /tmp/ans-exp:
about 7 min the first time for tune, dev and test on 2 shared cores, seconds after. The variants
without a block take seconds; each block variant (nested leave-one-article-out over 5 block weights)
5 to 16 min. The MaxSim ranker adds ~5 min (candidate-level MaxSim over every candidate).

Measured at commit 794cf65 (39 sentence / 24 question features, 40 dev questions); f750560 since
added negation-mismatch features and 110 dev questions, and changed the shipped scorer.
Figures score the candidates directly (no quote de-duplication, no "What did X say" narration path);
the baseline rows reproduce `retrieval eval` nonetheless: dev hit@1 0.679 / hit@3 0.857 / AUROC 0.905,
test 0.845 / 0.949 / AUROC 0.697 (eval: 0.696).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import re
import sys
import tempfile
import time
import zlib
from itertools import pairwise
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "eval/experiments"))
import late_interaction as li  # noqa: E402
import train_scorer as ts  # noqa: E402

from retrieval import Retriever, build_index  # noqa: E402
from retrieval.embedding import DEFAULT_MODEL, get_embedder  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.extract import QUESTION_FEATURES, SENTENCE_FEATURES, LinearModel, sentence_table  # noqa: E402

SQUAD = ROOT.parent / "shared/benchmarks/squad-v2"
WORK = Path("/tmp/ans-exp")
FOLDS = ("/tmp/ft/lora-0_4", "/tmp/ft/lora-4_8")
LENGTH_PENALTY = ts.TUNED_LENGTH_PENALTY  # the shipped scorer's, for the tuned encoder
C = 0.5                                   # train_scorer's answerability model
EMB_WEIGHTS = (0.0, 0.03, 0.1, 0.3, 1.0)
BUCKETS = 256
# cached candidates hold the features of the code that made them: a feature list changed in src/ makes
# new cache files (the shipped encoder's adapter is not in the key: clear /tmp/ans-exp after retraining it)
FEATURES_KEY = hashlib.sha256(repr((SENTENCE_FEATURES, QUESTION_FEATURES)).encode()).hexdigest()[:8]

MAXSIM_FEATURES = (
    "ms_mean", "ms_mean_ctx", "ms_min", "ms_min_ctx", "ms_share70_ctx", "ms_share80_ctx", "ms_share90_ctx",
    "ms_idf_mean_ctx", "ms_idf_worst_ctx", "ms_idf_share80_ctx", "ms_top3_min_ctx",
)
LEX_FEATURES = (
    "top_negated", "negation_mismatch", "modifier_missing", "n_missing_ctx", "n_missing_doc",
    "entities_missing_doc", "max_overlap_ctx", "top_bigram", "max_bigram", "top_is_dense_top",
    "wh_what", "wh_which", "wh_who", "wh_when", "wh_where", "wh_why", "wh_how", "wh_other",
)
RANKER_MAXSIM = ("li_best", "li_best_ctx", "li_share80", "li_share80_ctx", "li_reverse", "li_min", "li_gap",
                 "li_gap_ctx")

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NEG = re.compile(r"\b(not|never|no|nor|none|without|neither|nothing|nobody|cannot)\b|n't\b", re.IGNORECASE)
# words by which an impossible question often twists an answerable one (first -> last, most -> least ...)
MODIFIERS = set("first last only most least more less fewer earliest latest largest smallest biggest highest "
                "lowest longest shortest oldest youngest newest best worst before after same different "
                "second third final initial main major minor".split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


# ---------------------------------------------------------------- featurisation (cached)

def featurise(retriever: Retriever, questions, embedder) -> dict:
    """Candidates and labels (train_scorer), vectors and token vectors of every sentence and question."""
    rows = ts.labelled_candidates(retriever, questions, ts.PASSAGES, ts.SENTENCES)
    table = sentence_table(retriever)
    texts = [retriever.documents[d].text[s.start:s.end] for d, s in retriever.sentences]
    qtexts = [q.question for q in questions]
    s_tok = li.token_vectors(embedder, texts)
    q_tok = li.token_vectors(embedder, qtexts)
    s_pieces = [e.tokens[1:len(e.ids) - 1] for e in embedder.tokenizer.encode_batch(texts)]
    q_pieces = [e.tokens[1:len(e.ids) - 1] for e in embedder.tokenizer.encode_batch(qtexts)]
    df: dict[str, int] = {}
    for pieces in s_pieces:
        for p in set(pieces):
            df[p] = df.get(p, 0) + 1
    n = len(texts)
    q_idf = [np.array([np.log(1 + (n - df.get(p, 0) + 0.5) / (df.get(p, 0) + 0.5)) for p, k in zip(pieces, keep)
                       if k], np.float32) for pieces, (_, keep) in zip(q_pieces, q_tok)]
    return {
        "rows": rows, "questions": qtexts, "sentences": texts, "prev": table.prev, "next": table.next,
        "doc_words": {w for t in texts for w in words(t)},
        "qvec": retriever.encode(qtexts), "svec": np.asarray(retriever.sentence_vectors, np.float32),
        "s_tok": [h.astype(np.float16) for h, _ in s_tok],
        "q_tok": [(h[keep] if keep.any() else h).astype(np.float32) for h, keep in q_tok],
        "q_idf": [w if len(w) else np.ones(len(h), np.float32) for w, (h, _) in zip(q_idf, q_tok)],
    }


def cached(path: Path, make):
    if path.is_file():
        return pickle.loads(path.read_bytes())
    t = time.time()
    value = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(value))
    print(f"  {path.name}: {time.time() - t:.0f} s", file=sys.stderr, flush=True)
    return value


def squad_set(path: Path, name: str, encoder_of) -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, group in enumerate(load_dataset(path).groups):
            model = encoder_of(n)
            key = Path(model).name if "/" in model else model
            def make(n=n, group=group, model=model):
                embedder = get_embedder(model, backend="onnx")
                return featurise(ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder), group.questions,
                                 embedder)
            out.append(cached(WORK / f"{name}-{n}-{key}-{FEATURES_KEY}.pkl", make))
    return out


def dev_set(path: Path) -> dict:
    def make():
        embedder = get_embedder(DEFAULT_MODEL, backend="onnx")
        folder = Path(tempfile.mkdtemp(prefix="ans-exp-dev-"))
        build_index([ROOT / "data"], folder, embedder=embedder)
        (group,) = load_dataset(path).groups
        return featurise(Retriever.load(folder, embedder=embedder), group.questions, embedder)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]  # the dev file is being extended
    return cached(WORK / f"dev-{digest}-{DEFAULT_MODEL}-{FEATURES_KEY}.pkl", make)


# ---------------------------------------------------------------- features

def context_tokens(a: dict, r: int) -> np.ndarray:
    parts = [a["s_tok"][x] for x in (a["prev"][r], r, a["next"][r]) if x >= 0]
    return np.vstack(parts).astype(np.float32)


def maxsim_row(a: dict, i: int, cands, order) -> list[float]:
    q, w = a["q_tok"][i], a["q_idf"][i]
    r = int(cands.rows[order[0]])
    best = (q @ a["s_tok"][r].astype(np.float32).T).max(axis=1)
    best_c = (q @ context_tokens(a, r).T).max(axis=1)
    top3 = max(float((q @ context_tokens(a, int(cands.rows[j])).T).max(axis=1).min()) for j in order[:3])
    wn = w / w.sum()
    return [best.mean(), best_c.mean(), best.min(), best_c.min(), (best_c > 0.7).mean(), (best_c > 0.8).mean(),
            (best_c > 0.9).mean(), wn @ best_c, float((w * (1 - best_c)).max() / np.log(1 + len(a["s_tok"]))),
            wn @ (best_c > 0.8), top3]


def lex_row(a: dict, i: int, cands, order) -> list[float]:
    f, col = cands.features, SENTENCE_FEATURES.index
    top = order[0]
    r = int(cands.rows[top])
    ctx_text = " ".join(a["sentences"][x] for x in (a["prev"][r], r, a["next"][r]) if x >= 0)
    ctx = set(words(ctx_text))
    question = a["questions"][i]
    qw = [w for w in dict.fromkeys(words(question)) if w not in li.STOP]
    q_neg, c_neg = bool(_NEG.search(question)), bool(_NEG.search(a["sentences"][r]))
    mods = [w for w in qw if w in MODIFIERS or (w.endswith("est") and len(w) > 5)]
    names = {w.lower() for w in re.findall(r"\b(?:[A-Z][\w'-]+|\d[\d,.]*)", question.split(" ", 1)[-1])}
    qset = set(words(question))
    wh = [w in qset for w in ("what", "which")] + [bool(qset & {"who", "whom", "whose"})] + [
        w in qset for w in ("when", "where", "why", "how")]
    return [float(c_neg), float(q_neg != c_neg), float(sum(w not in ctx for w in mods)),
            float(sum(w not in ctx for w in qw)), float(sum(w not in a["doc_words"] for w in qw)),
            float(sum(w.rstrip(".,") not in a["doc_words"] for w in names)),
            float(np.maximum(f[:, col("overlap_prev")], f[:, col("overlap_next")]).max()),
            f[top, col("bigram")], f[:, col("bigram")].max(),
            float(f[top, col("dense_sentence")] >= f[:, col("dense_sentence")].max()),
            *map(float, wh), float(not any(wh))]


def emb_row(a: dict, i: int, cands, order) -> np.ndarray:
    q, s = a["qvec"][i], a["svec"][int(cands.rows[order[0]])]
    return np.concatenate([q * s, np.abs(q - s)])


def hashed(tokens, buckets: int = BUCKETS) -> np.ndarray:
    out = np.zeros(buckets)
    for t in tokens:
        out[zlib.crc32(t.encode()) % buckets] = 1.0
    return out


def qbow_row(a: dict, i: int, cands, order) -> np.ndarray:
    """The question's words and word pairs, hashed: what SQuAD v2's impossible questions are worded like."""
    w = words(a["questions"][i])
    return hashed(w + [f"{x}_{y}" for x, y in pairwise(w)])


def missbag_row(a: dict, i: int, cands, order) -> np.ndarray:
    """The question's words missing from the top sentence's context, hashed: which kinds of word an
    impossible question adds or swaps (a learned version of `lex`'s negation / modifier checks)."""
    r = int(cands.rows[order[0]])
    ctx = set(words(" ".join(a["sentences"][x] for x in (a["prev"][r], r, a["next"][r]) if x >= 0)))
    return hashed([w for w in words(a["questions"][i]) if w not in ctx])


FAMILIES = {"maxsim": (maxsim_row, MAXSIM_FEATURES), "lex": (lex_row, LEX_FEATURES),
            "emb": (emb_row, tuple(f"prod{j}" for j in range(384)) + tuple(f"absdiff{j}" for j in range(384))),
            "qbow": (qbow_row, tuple(f"qbow{j}" for j in range(BUCKETS))),
            "missbag": (missbag_row, tuple(f"missbag{j}" for j in range(BUCKETS)))}
# many-column families: after every other family, with their own (stronger) L2 penalty picked by inner CV
BLOCKS = ("emb", "qbow", "missbag")
VARIANTS = {  # name: families appended to QUESTION_FEATURES
    "baseline": (), "+maxsim": ("maxsim",), "+lex": ("lex",), "+emb": ("emb",), "+qbow": ("qbow",),
    "+missbag": ("missbag",), "+maxsim+lex": ("maxsim", "lex"), "+maxsim+lex+emb": ("maxsim", "lex", "emb"),
    "+maxsim+lex+missbag": ("maxsim", "lex", "missbag"),
}


def question_table(a: dict, rows, model: LinearModel) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per family, one row of features per question, from the ranker `model`'s scores; and labels."""
    base, y = ts.question_xy(model, rows)
    out = {"base": base}
    for name, (fn, names) in FAMILIES.items():
        feats = []
        for i, (cands, _, _) in enumerate(rows):
            if len(cands.rows) == 0:
                feats.append(np.zeros(len(names)))
                continue
            order = np.argsort(-model.decision(cands.features), kind="stable")
            feats.append(np.asarray(fn(a, i, cands, order), np.float64))
        out[name] = np.vstack(feats)
    return out, y


def ranker_maxsim(a: dict) -> list[np.ndarray]:
    """`late_interaction.maxsim_features`' 8 candidate columns, from the cached token vectors."""
    out = []
    for (cands, _, _), q in zip(a["rows"], a["q_tok"]):
        feats = []
        for r in map(int, cands.rows):
            own = a["s_tok"][r].astype(np.float32)
            sims = q @ own.T
            best, best_ctx = sims.max(axis=1), (q @ context_tokens(a, r).T).max(axis=1)
            feats.append([best.mean(), best_ctx.mean(), (best > 0.8).mean(), (best_ctx > 0.8).mean(),
                          sims.max(axis=0).mean(), best.min()])
        f = np.array(feats).reshape(len(feats), 6)
        out.append(np.column_stack([f, f[:, 0] - f[:, 0].max(initial=0), f[:, 1] - f[:, 1].max(initial=0)]))
    return out


def with_columns(rows, extra):
    return [(replace(c, features=np.column_stack([c.features, e])), y, imp) for (c, y, imp), e in zip(rows, extra)]


# ---------------------------------------------------------------- models

def fit_question(x: np.ndarray, y: np.ndarray, names, n_base: int, w: float = 1.0) -> LinearModel:
    """train_scorer's answerability model (`fit_linear`, C 0.5); columns from `n_base` on are multiplied
    by `w` after standardising (an L2 penalty 1 / w^2 times stronger on them). Without such columns:
    `ts.fit_linear` itself (which rounds the standardisation to 6 decimals: too coarse for the
    embedding block, whose columns vary by ~1e-3)."""
    if n_base == x.shape[1]:
        return ts.fit_linear(x, y, names, c=C)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = (x - mean) / scale
    z[:, n_base:] *= w
    fit = LogisticRegression(C=C, max_iter=3000).fit(z, y)
    coef = fit.coef_[0].copy()
    coef[n_base:] *= w
    return LinearModel(features=tuple(names), coef=coef.tolist(), intercept=float(fit.intercept_[0]),
                       mean=mean.tolist(), scale=scale.tolist())


def loao(xs, ys, names, n_base: int, w: float = 1.0) -> tuple[float, float, list[np.ndarray]]:
    """Leave-one-article-out: macro and pooled AUROC, and the held-out scores."""
    scores = []
    for k in range(len(xs)):
        model = fit_question(np.vstack(xs[:k] + xs[k + 1:]), np.concatenate(ys[:k] + ys[k + 1:]), names, n_base, w)
        scores.append(model.decision(xs[k]))
    macro = float(np.mean([roc_auc_score(y, s) for y, s in zip(ys, scores)]))
    return macro, float(roc_auc_score(np.concatenate(ys), np.concatenate(scores))), scores


def pick_weight(xs, ys, names, n_base: int) -> float:
    """The block weight with the best leave-one-article-out macro AUROC over these articles."""
    return max(EMB_WEIGHTS, key=lambda w: loao(xs, ys, names, n_base, w)[0])


def auroc_macro(ys, scores) -> float:
    return float(np.mean([roc_auc_score(y, s) for y, s in zip(ys, scores)]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", nargs=2, default=FOLDS, metavar=("FIRST", "SECOND"))
    parser.add_argument("--dev", type=Path, default=ROOT / "eval/dev_qa.jsonl",
                        help="dev questions, asked of data/ (the figures in the report used the committed "
                             "40-question file of 794cf65: `git show 794cf65:eval/dev_qa.jsonl > /tmp/ans-exp/dev_qa-HEAD.jsonl`)")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--maxsim-ranker-variants", nargs="*", default=["baseline", "+maxsim", "+maxsim+lex"],
                        choices=list(VARIANTS), help="answerability variants also run on the ranker with MaxSim")
    parser.add_argument("--no-test", action="store_true", help="skip test.json (report-only figures)")
    args = parser.parse_args()
    t0 = time.time()
    tune = squad_set(SQUAD / "tune.json", "tune", lambda n: ts.fold_encoder(list(args.folds), n, 8))
    dev = dev_set(args.dev)
    test = [] if args.no_test else squad_set(SQUAD / "test.json", "test", lambda n: DEFAULT_MODEL)
    print(f"featurisation (or cache): {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    t1 = time.time()

    rankers = [("shipped ranker", None, args.variants)]
    if args.maxsim_ranker_variants:
        rankers.append(("ranker + MaxSim", RANKER_MAXSIM, args.maxsim_ranker_variants))
    for ranker_name, ranker_extra, variants in rankers:
        extra = None if ranker_extra is None else [ranker_maxsim(a) for a in tune + [dev] + test]
        rows_of = [a["rows"] if extra is None else with_columns(a["rows"], extra[j])
                   for j, a in enumerate(tune + [dev] + test)]
        t_rows, d_rows, x_rows = rows_of[:len(tune)], rows_of[len(tune)], rows_of[len(tune) + 1:]

        def ranker(rows, ranker_extra=ranker_extra):
            kw = {} if ranker_extra is None else {"extra": [c.features[:, len(SENTENCE_FEATURES):] for c, _, _ in rows],
                                                 "extra_features": ranker_extra}
            plain = [(replace(c, features=c.features[:, :len(SENTENCE_FEATURES)]), y, imp) for c, y, imp in rows]
            return ts.fit_sentence_model(plain, length_penalty=LENGTH_PENALTY, **kw)

        tables, hits = [], []
        for k in range(len(tune)):  # out-of-fold ranker scores, as train_scorer.fit_scorer
            model = ranker([r for j in range(len(tune)) if j != k for r in t_rows[j]])
            hits.append(ts.ranking_hits(model, t_rows[k]))
            tables.append(question_table(tune[k], t_rows[k], model))
        full = ranker([r for rows in t_rows for r in rows])
        d_table = question_table(dev, d_rows, full)
        x_tables = [question_table(a, rows, full) for a, rows in zip(test, x_rows)]
        h, d = np.array(hits), ts.ranking_hits(full, d_rows)
        x_h = np.array([ts.ranking_hits(full, rows) for rows in x_rows]) if test else np.zeros((1, 2))
        print(f"{ranker_name}: tune LOAO hit@1 {h[:, 0].mean():.3f} hit@3 {h[:, 1].mean():.3f} (macro) | "
              f"dev {d[0]:.3f} / {d[1]:.3f} | test (report only, macro) {x_h[:, 0].mean():.3f} / "
              f"{x_h[:, 1].mean():.3f}", flush=True)

        base_per = None
        for vname in variants:
            fams = VARIANTS[vname]
            tv = time.time()
            names = (*QUESTION_FEATURES, *(n for f in fams for n in FAMILIES[f][1]))
            def stack(t, fams=fams):
                return np.column_stack([t[0]["base"], *(t[0][f] for f in fams)])
            xs, ys = [stack(t) for t in tables], [t[1] for t in tables]
            n_base = len(QUESTION_FEATURES) + sum(len(FAMILIES[f][1]) for f in fams if f not in BLOCKS)
            if any(f in BLOCKS for f in fams):  # the block last, its weight picked by inner LOAO on the 7 articles
                scores, picked = [], []
                for k in range(len(xs)):
                    rest_x, rest_y = xs[:k] + xs[k + 1:], ys[:k] + ys[k + 1:]
                    w = pick_weight(rest_x, rest_y, names, n_base)
                    picked.append(w)
                    scores.append(fit_question(np.vstack(rest_x), np.concatenate(rest_y), names, n_base, w)
                                  .decision(xs[k]))
                macro = auroc_macro(ys, scores)
                pooled = float(roc_auc_score(np.concatenate(ys), np.concatenate(scores)))
                at = {w: loao(xs, ys, names, n_base, w)[0] for w in EMB_WEIGHTS}
                w_all = max(EMB_WEIGHTS, key=at.get)  # as pick_weight, over all 8 articles
                fixed = " ".join(f"{w}: {v:.3f}" for w, v in at.items())
                note = f" (w per fold {picked}, all-tune w {w_all}; LOAO macro at fixed w {fixed})"
            else:
                macro, pooled, scores = loao(xs, ys, names, n_base)
                w_all, note = 1.0, ""
            per = np.array([roc_auc_score(y, sc) for y, sc in zip(ys, scores)])
            if vname == "baseline":
                base_per = per
            elif base_per is not None:
                note += f" [tune: better than baseline on {int((per > base_per).sum())}/{len(per)} articles]"
            model = fit_question(np.vstack(xs), np.concatenate(ys), names, n_base, w_all)
            d_auc = float(roc_auc_score(d_table[1], model.decision(stack(d_table))))
            line = (f"  {vname:18s} tune LOAO AUROC {macro:.3f} macro ({pooled:.3f} pooled) | dev {d_auc:.3f}")
            if test:
                x_scores = [model.decision(stack(t)) for t in x_tables]
                x_ys = [t[1] for t in x_tables]
                line += (f" | test (report only) {auroc_macro(x_ys, x_scores):.3f} macro "
                         f"({roc_auc_score(np.concatenate(x_ys), np.concatenate(x_scores)):.3f} pooled)")
            print(line + note + f" [{time.time() - tv:.0f} s]", flush=True)
    print(f"models: {time.time() - t1:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
