"""Evaluation metrics as pure functions: no model, no index, only judged results.

Every formula here is tested with hand-computed numbers (`tests/test_metrics.py`). The runner turns
answers into `QuestionResult`s; `compute_metrics` turns a list of them into flat metric keys.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

RANK_CUTOFFS = (1, 3, 5, 10)
PASSAGE_CUTOFFS = (1, 3, 5)
BOOTSTRAP_METRICS = ("hit@1", "abstain_recall", "false_abstain_rate")
# The direction of each metric, by its last name part (`bm25/micro/hit@1` -> `hit@1`), used to mark
# regressions in comparisons. Anything else (counts, k, thresholds, seconds, coverage, budgets) is
# context: shown, never better or worse.
LOWER_IS_BETTER = frozenset({
    "false_abstain_rate", "macro_false_abstain_rate", "aurc", "risk", "mean_quote_chars",
})
HIGHER_IS_BETTER = frozenset({
    "mrr", "exact_match", "f1", "abstain_recall", "macro_abstain_recall", "abstain_auroc", "answered_hit@1",
    # a quote ledger against speakers gold (`retrieval.quotes.ledger_metrics`)
    "quote_precision", "quote_recall", "kind_accuracy", "speech_precision", "speech_recall",
    "attribution_accuracy", "attributed_accuracy", "evidence_accuracy",
})
_RANKED = re.compile(r"(passage_)?hit@\d+|ndcg@\d+")


def metric_direction(key: str) -> int | None:
    """+1 when a larger value of metric `key` is better, -1 when a smaller one is, None when it is
    not a quality metric (counts, k, thresholds, seconds, coverage, bootstrap settings...).

    Example:
        >>> metric_direction("bm25/micro/hit@3"), metric_direction("aurc"), metric_direction("seconds")
        (1, -1, None)
    """
    base = key.rsplit("/", 1)[-1]
    if base in LOWER_IS_BETTER:
        return -1
    if base in HIGHER_IS_BETTER or _RANKED.fullmatch(base):
        return 1
    return None

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    # a dash between words parts them ("reporting—many" is two words), as a space would; ASCII "-" is
    # stripped, as SQuAD does ("decade-long" → "decadelong")
    "\u2010": " ", "\u2011": " ", "\u2012": " ", "\u2013": " ", "\u2014": " ", "\u2015": " ",
})
QUOTE_FOLD = _QUOTES  # curly quotes and apostrophes to straight ones, as `normalize_answer` folds them first
_PUNCT = str.maketrans("", "", string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


# --- text -----------------------------------------------------------------------------------------

def normalize_answer(text: str) -> str:
    """SQuAD normalisation, with curly quotes and apostrophes folded to straight ones first, and Unicode
    dashes read as spaces.

    Lowercase, drop ASCII punctuation, drop the articles a/an/the, fold whitespace.

    Example:
        >>> normalize_answer("The  “Mongol” Dynasty’s")
        'mongol dynastys'
    """
    text = text.translate(_QUOTES).lower().translate(_PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def contains_answer(text: str, gold: str) -> bool:
    """True when normalised `gold` occurs in normalised `text` as whole tokens ("1" is not in "1990")."""
    needle = normalize_answer(gold)
    return bool(needle) and f" {needle} " in f" {normalize_answer(text)} "


def span_overlaps(start: int, end: int, gold_start: int, gold_end: int) -> bool:
    """True when `[start, end)` overlaps the gold span `[gold_start, gold_end)` (DESIGN.md "Metrics":
    a quote hits when it overlaps the gold span's offsets); spans that only touch do not overlap."""
    return start < gold_end and gold_start < end


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    """SQuAD exact match: 1.0 when the normalised prediction equals a normalised gold answer."""
    pred = normalize_answer(prediction)
    return float(any(pred == normalize_answer(g) for g in golds))


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """SQuAD token F1 of the prediction, the best over the gold answers (0.0 with no gold)."""
    pred = normalize_answer(prediction).split()
    best = 0.0
    for gold in golds:
        ref = normalize_answer(gold).split()
        if not pred or not ref:
            best = max(best, float(pred == ref))
            continue
        common = sum((Counter(pred) & Counter(ref)).values())
        if common:
            precision, recall = common / len(pred), common / len(ref)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


# --- ranking --------------------------------------------------------------------------------------

def hit_at_k(hits: Sequence[bool], k: int) -> float:
    """1.0 when any of the first `k` ranked items hits."""
    return float(any(hits[:k]))


def reciprocal_rank(hits: Sequence[bool], k: int | None = None) -> float:
    """1 / rank of the first hit within the first `k` (all when None), else 0.0."""
    for rank, hit in enumerate(hits[:k] if k else hits, start=1):
        if hit:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(hits: Sequence[bool], k: int) -> float:
    """Binary-relevance nDCG@k; the ideal ranking puts the judged hits first (0.0 with no hit)."""
    gains = [1.0 if h else 0.0 for h in hits[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    n_relevant = min(k, sum(1 for h in hits if h))
    idcg = sum(1.0 / math.log2(i + 2) for i in range(n_relevant))
    return dcg / idcg if idcg else 0.0


# --- abstention -----------------------------------------------------------------------------------

def auroc(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Area under the ROC curve (Mann-Whitney, ties count half); None with one class only."""
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=np.float64)
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # average ranks over ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def risk_coverage(confidences: Sequence[float], correct: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Coverage and risk when answering only the `n` most confident questions, n = 1..N.

    `correct[i]` is True when answering question i is right (answerable and the first quote hits);
    risk is the error rate among the answered questions.
    """
    conf = np.asarray(confidences, dtype=np.float64)
    wrong = ~np.asarray(correct, dtype=bool)
    if len(conf) == 0:
        return np.zeros(0), np.zeros(0)
    order = np.argsort(-conf, kind="stable")
    answered = np.arange(1, len(conf) + 1)
    return answered / len(conf), np.cumsum(wrong[order]) / answered


def aurc(confidences: Sequence[float], correct: Sequence[bool]) -> float | None:
    """Area under the risk-coverage curve (mean risk over coverages; lower is better)."""
    _, risk = risk_coverage(confidences, correct)
    return float(risk.mean()) if len(risk) else None


@dataclass(frozen=True)
class ThresholdChoice:
    """An abstention threshold (abstain when confidence < threshold) and what it does on the data."""

    threshold: float
    correct_decisions: int
    false_abstain_rate: float | None
    abstain_recall: float | None
    coverage: float
    budget: float


def pick_threshold(
    confidences: Sequence[float], answerable: Sequence[bool], first_hit: Sequence[bool], budget: float
) -> ThresholdChoice:
    """The threshold with the most correct decisions while false_abstain_rate <= `budget`.

    A correct decision is answering an answerable question whose first quote hits, or abstaining
    on an unanswerable one. Candidates are midpoints between neighbouring confidences (and the
    extremes); among equally good thresholds the highest (most cautious) wins. Answering everything
    (the lowest candidate) never abstains, so some threshold always meets the budget.
    """
    conf = np.asarray(confidences, dtype=np.float64)
    ans = np.asarray(answerable, dtype=bool)
    hit = np.asarray(first_hit, dtype=bool) & ans
    if len(conf) == 0:
        return ThresholdChoice(0.0, 0, None, None, 0.0, budget)
    values = np.unique(conf)
    candidates = np.concatenate([[values[0]], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-6]])
    n_ans, n_unans = int(ans.sum()), int((~ans).sum())
    best = None
    for t in candidates:
        answered = conf >= t
        far = float((~answered & ans).sum() / n_ans) if n_ans else None
        recall = float((~answered & ~ans).sum() / n_unans) if n_unans else None
        choice = ThresholdChoice(
            threshold=float(t),
            correct_decisions=int((answered & hit).sum() + (~answered & ~ans).sum()),
            false_abstain_rate=far, abstain_recall=recall, coverage=float(answered.mean()),
            budget=budget,
        )
        if far is not None and far > budget + 1e-12:
            continue
        if best is None or choice.correct_decisions >= best.correct_decisions:
            best = choice
    return best


def declined(confidences, outside, threshold: float, outside_threshold: float) -> np.ndarray:
    """Which questions are declined: confidence under `threshold`, or, for those marked `outside`
    (their first quote lies outside the report), under `outside_threshold`."""
    conf = np.asarray(confidences, dtype=np.float64)
    return (conf < threshold) | (np.asarray(outside, dtype=bool) & (conf < outside_threshold))


def pick_outside_threshold(
    confidences: Sequence[float], answerable: Sequence[bool], first_hit: Sequence[bool],
    outside: Sequence[bool], threshold: float, budget: float,
) -> ThresholdChoice:
    """A second, higher threshold for the questions marked `outside` (their first quote lies outside
    the report): abstain when confidence < `threshold`, or when outside and confidence < the result.

    The one with the most correct decisions (as in `pick_threshold`) while false_abstain_rate <=
    `budget` over all questions; among those, the fewest false abstentions, then the lowest. Candidates
    are `threshold` itself and the midpoints between neighbouring outside confidences above it; when
    none meets the budget, `threshold` itself.
    """
    conf = np.asarray(confidences, dtype=np.float64)
    ans = np.asarray(answerable, dtype=bool)
    hit = np.asarray(first_hit, dtype=bool) & ans
    out = np.asarray(outside, dtype=bool)
    values = np.unique(conf[out & (conf >= threshold)])
    candidates = np.concatenate([[threshold], (values[:-1] + values[1:]) / 2, values[-1:] + 1e-6])
    n_ans, n_unans = int(ans.sum()), int((~ans).sum())
    choices = []
    for t in candidates:
        answered = ~declined(conf, out, threshold, t)
        choices.append(ThresholdChoice(
            threshold=float(t),
            correct_decisions=int((answered & hit).sum() + (~answered & ~ans).sum()),
            false_abstain_rate=float((~answered & ans).sum() / n_ans) if n_ans else None,
            abstain_recall=float((~answered & ~ans).sum() / n_unans) if n_unans else None,
            coverage=float(answered.mean()) if len(conf) else 0.0, budget=budget,
        ))
    within = [c for c in choices if (c.false_abstain_rate or 0.0) <= budget + 1e-12]
    return max(within, key=lambda c: (c.correct_decisions, -(c.false_abstain_rate or 0.0), -c.threshold),
               default=choices[0])


# --- one question, many questions -----------------------------------------------------------------

@dataclass(frozen=True)
class QuoteSource:
    """Where a ranked quote sits in its document, and the score the method gave that quote."""

    doc_id: str
    paragraph: int
    section: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class QuestionResult:
    """One question, judged: what a method ranked and whether it abstained."""

    qid: str
    answerable: bool
    abstained: bool
    confidence: float
    hits: tuple[bool, ...] = ()           # per ranked quote, best first
    passage_hits: tuple[bool, ...] = ()   # per distinct passage of the ranked quotes, in order
    first_quote: str | None = None        # None when nothing was ranked
    gold: tuple[str, ...] = ()
    # the higher threshold the answer had to clear besides the common one, if any (a first quote
    # outside the report: `Scorer.outside_threshold`); `rethreshold` keeps it
    own_threshold: float | None = None
    first_source: QuoteSource | None = None  # where the first ranked quote sits; None with no quote
    reason: str | None = None             # the answer's own explanation (why it abstained, or how it answered)
    threshold: float | None = None        # the bar the answer's confidence was held to (its own when higher)

    @property
    def first_hit(self) -> bool:
        return bool(self.hits) and self.hits[0]

    @property
    def correct(self) -> bool:
        """Answering this question would be right: it is answerable and the first quote hits."""
        return self.answerable and self.first_hit


def rethreshold(results: Sequence[QuestionResult], threshold: float) -> list[QuestionResult]:
    """The same results with abstention decided by `confidence < threshold` (or below a result's
    `own_threshold`)."""
    from dataclasses import replace

    return [replace(r, abstained=r.confidence < max(threshold, r.own_threshold or threshold))
            for r in results]


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


def compute_metrics(
    results: Sequence[QuestionResult], k: int = 10, *, abstention: bool = True
) -> dict[str, float | int | None]:
    """Flat metrics of one method on one set of questions.

    Ranking metrics use answerable questions only and ignore abstention (the ranked quotes of an
    abstained question are its closest ones). `abstention=False` leaves out abstain_recall and
    false_abstain_rate (for baselines, whose abstention is not calibrated).
    """
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    out: dict[str, float | int | None] = {
        "n_questions": len(results), "n_answerable": len(answerable), "n_unanswerable": len(unanswerable),
    }
    for cut in sorted({c for c in RANK_CUTOFFS if c <= k} | {k}):
        out[f"hit@{cut}"] = _mean([hit_at_k(r.hits, cut) for r in answerable])
    out["mrr"] = _mean([reciprocal_rank(r.hits, k) for r in answerable])
    for cut in sorted({c for c in PASSAGE_CUTOFFS if c <= k} | {min(k, max(PASSAGE_CUTOFFS))}):
        # no more passages than quotes are ranked: with --k 2 there is no passage_hit@5 (an evaluator's review)
        out[f"passage_hit@{cut}"] = _mean([hit_at_k(r.passage_hits, cut) for r in answerable])
    out[f"ndcg@{k}"] = _mean([ndcg_at_k(r.hits, k) for r in answerable])
    out["exact_match"] = _mean([exact_match(r.first_quote or "", r.gold) for r in answerable])
    out["f1"] = _mean([token_f1(r.first_quote or "", r.gold) for r in answerable])
    out["mean_quote_chars"] = _mean([len(r.first_quote) for r in results if r.first_quote is not None])
    if abstention:
        out["abstain_recall"] = _mean([float(r.abstained) for r in unanswerable])
        out["false_abstain_rate"] = _mean([float(r.abstained) for r in answerable])
        # answered, and the first quote hits: hit@1 counts the closest quote of a declined question too (an
        # evaluator's review), which a reader of the chat is not given as an answer
        out["answered_hit@1"] = _mean([float(r.first_hit and not r.abstained) for r in answerable])
        out["coverage"] = _mean([float(not r.abstained) for r in results])
        answered = [r for r in results if not r.abstained]
        out["risk"] = _mean([float(not r.correct) for r in answered])
    out["abstain_auroc"] = auroc([r.confidence for r in results], [r.answerable for r in results])
    out["aurc"] = aurc([r.confidence for r in results], [r.correct for r in results])
    return out


def macro_average(per_group: Sequence[Mapping[str, float | int | None]]) -> dict[str, float | int | None]:
    """Mean of each metric over groups (articles), skipping groups where it is undefined; counts add."""
    keys: list[str] = []
    for metrics in per_group:
        keys.extend(k for k in metrics if k not in keys)
    out: dict[str, float | int | None] = {}
    for key in keys:
        values = [m[key] for m in per_group if m.get(key) is not None]
        if key.startswith("n_"):
            out[key] = int(sum(values))
        else:
            out[key] = float(np.mean(values)) if values else None
    return out


# Per-question values behind each bootstrapped metric: which questions count, and their value.
BOOTSTRAP_VALUES: dict[str, Callable[[Sequence[QuestionResult]], list[float]]] = {
    "hit@1": lambda rs: [float(r.first_hit) for r in rs if r.answerable],
    "abstain_recall": lambda rs: [float(r.abstained) for r in rs if not r.answerable],
    "false_abstain_rate": lambda rs: [float(r.abstained) for r in rs if r.answerable],
}


def bootstrap_ci(
    groups: Sequence[Sequence[float]], *, n_resamples: int = 1000, seed: int = 0, level: float = 0.95,
    across_groups: bool = False,
) -> list[float] | None:
    """Percentile bootstrap interval of the macro mean over groups, resampling within each group; with
    `across_groups`, the groups too (each resample draws as many groups, with replacement, then their
    questions): how far another set of articles like these might land, not only these articles' questions.

    With one group this is the ordinary bootstrap of a mean. Empty groups are skipped; None when
    every group is empty.
    """
    arrays = [np.asarray(g, dtype=np.float64) for g in groups if len(g)]
    if not arrays or n_resamples < 1:
        return None
    rng = np.random.default_rng(seed)
    stats = np.zeros(n_resamples)
    if across_groups:
        drawn = rng.integers(0, len(arrays), size=(n_resamples, len(arrays)))
        for i, row in enumerate(drawn):
            stats[i] = np.mean([rng.choice(arrays[g], size=len(arrays[g])).mean() for g in row])
    else:
        for values in arrays:
            idx = rng.integers(0, len(values), size=(n_resamples, len(values)))
            stats += values[idx].mean(axis=1)
        stats /= len(arrays)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(stats, [alpha, 1 - alpha])
    return [round(float(lo), 6), round(float(hi), 6)]


def bootstrap_intervals(
    groups: Sequence[Sequence[QuestionResult]], *, abstention: bool = True, n_resamples: int = 1000,
    seed: int = 0, across_groups: bool = False,
) -> dict[str, list[float] | None]:
    """`<metric>_ci95` for hit@1 (and the abstention rates), macro over `groups`; with `across_groups`,
    `<metric>_ci95_articles`, the groups resampled too (`bootstrap_ci`)."""
    out: dict[str, list[float] | None] = {}
    for name in BOOTSTRAP_METRICS:
        if not abstention and name != "hit@1":
            continue
        values = [BOOTSTRAP_VALUES[name](g) for g in groups]
        out[f"{name}_ci95" + ("_articles" if across_groups else "")] = bootstrap_ci(
            values, n_resamples=n_resamples, seed=seed, across_groups=across_groups)
    return out


def hit_curve(groups: Sequence[Sequence[QuestionResult]], k: int) -> list[float | None]:
    """hit@1..hit@k, macro over groups."""
    curve = []
    for cut in range(1, k + 1):
        per_group = [_mean([hit_at_k(r.hits, cut) for r in g if r.answerable]) for g in groups]
        values = [v for v in per_group if v is not None]
        curve.append(float(np.mean(values)) if values else None)
    return curve
