"""From judged results to flat metrics, a Markdown report with plots, and a comparison with an old run.

Metric keys are flat. The pipeline's headline numbers have bare names (`hit@1`, `hit@1_ci95`);
baselines are prefixed with their method (`bm25/hit@1`); for SQuAD the headline is the macro average
over articles and the micro (pooled) numbers are prefixed `micro/` (`micro/hit@1`, `bm25/micro/hit@1`).
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .metrics import (
    BOOTSTRAP_METRICS, LOWER_IS_BETTER, QuestionResult, ThresholdChoice, bootstrap_intervals, compute_metrics,
    hit_curve, macro_average, metric_direction, rethreshold, risk_coverage,
)
from .runner import EvalRun

PRIMARY_METRIC = "hit@1"
SUMMARY_KEYS = (
    "hit@1", "hit@3", "answered_hit@1", "mrr", "passage_hit@1", "passage_hit@5", "ndcg@10", "abstain_recall",
    "false_abstain_rate", "coverage", "risk", "abstain_auroc", "aurc", "mean_quote_chars", "exact_match", "f1",
)


def plural(n: int, noun: str, many: str | None = None) -> str:
    """`n` and `noun`, in the plural unless `n` is 1: "1 question", "2 questions", "0 questions"."""
    return f"{n} {noun if n == 1 else many or noun + 's'}"


def prefix(method: str) -> str:
    return "" if method == "pipeline" else f"{method}/"


def summarise(
    run: EvalRun, *, n_resamples: int = 1000, seed: int = 0, calibration: ThresholdChoice | None = None,
    calibrated_results: list[list[QuestionResult]] | None = None,
) -> dict:
    """Flat metrics of every method in `run` (see the module docstring for the key names)."""
    squad = run.dataset.kind == "squad"
    out: dict = {
        "dataset": run.dataset.path, "kind": run.dataset.kind, "model": run.model,
        "known_questions": run.known_count, "known_questions_files": list(run.known_questions),
        "methods": list(run.methods), "k": run.k, "threshold": run.threshold,
        "averaging": f"macro over {plural(len(run.group_names), 'article')}" if squad else "micro",
        "primary_metric": PRIMARY_METRIC, "n_groups": len(run.group_names),
        "seconds": round(run.seconds, 1), "bootstrap_resamples": n_resamples, "bootstrap_seed": seed,
    }
    micro_part: dict = {}
    per_article: dict[str, dict] = {name: {} for name in run.group_names} if squad else {}
    for method in run.methods:
        groups = run.results[method]
        abstention = method == "pipeline"
        pooled = [r for g in groups for r in g]
        micro = compute_metrics(pooled, run.k, abstention=abstention)
        micro.update(bootstrap_intervals([pooled], abstention=abstention, n_resamples=n_resamples, seed=seed))
        if squad:
            per_group = [compute_metrics(g, run.k, abstention=abstention) for g in groups]
            headline = macro_average(per_group)
            headline.update(bootstrap_intervals(groups, abstention=abstention, n_resamples=n_resamples, seed=seed))
            # an evaluator's review: the intervals above hold these articles fixed; these resample them too
            headline.update(bootstrap_intervals(groups, abstention=abstention, n_resamples=n_resamples, seed=seed,
                                                across_groups=True))
            micro_part.update({f"{prefix(method)}micro/{key}": _round(v) for key, v in micro.items()})
            for name, metrics in zip(run.group_names, per_group):
                per_article[name].update({f"{prefix(method)}{key}": _round(v) for key, v in metrics.items()})
        else:
            headline = micro
        out.update({f"{prefix(method)}{key}": _round(v) for key, v in headline.items()})
    out.update(micro_part)
    if calibration is not None:
        out.update({
            "calibration/threshold": calibration.threshold,
            "calibration/false_abstain_budget": calibration.budget,
            "calibration/correct_decisions": calibration.correct_decisions,
            "calibration/coverage": _round(calibration.coverage),
            "calibration/false_abstain_rate": _round(calibration.false_abstain_rate),
            "calibration/abstain_recall": _round(calibration.abstain_recall),
        })
        if calibrated_results is not None:
            # the decisions the threshold makes with each question's own higher bar kept (a first
            # quote outside the report), which `pick_threshold`, reading confidences alone, leaves out
            pooled = [r for g in calibrated_results for r in g]
            decided = compute_metrics(pooled, run.k)
            out.update({
                "calibration/correct_decisions": sum(
                    (r.correct and not r.abstained) or (not r.answerable and r.abstained) for r in pooled),
                "calibration/coverage": _round(decided["coverage"]),
                "calibration/false_abstain_rate": _round(decided["false_abstain_rate"]),
                "calibration/abstain_recall": _round(decided["abstain_recall"]),
            })
        if calibrated_results is not None and squad:
            macro = macro_average([compute_metrics(g, run.k) for g in calibrated_results])
            out["calibration/macro_false_abstain_rate"] = _round(macro["false_abstain_rate"])
            out["calibration/macro_abstain_recall"] = _round(macro["abstain_recall"])
    if per_article:
        out["per_article"] = per_article
    return out


def _round(value):
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return value


# --- comparison -----------------------------------------------------------------------------------

def numeric_items(metrics: Mapping) -> dict[str, float]:
    """Top-level numeric metrics (booleans, lists and nested objects left out)."""
    return {
        k: float(v) for k, v in metrics.items()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    }


COMPARE_TOLERANCE = 0.0005  # a change smaller than this (times the old value when above 1) is no change
# what a comparison names besides the metrics, when both runs have it: shown, never judged
CONTEXT_KEYS = ("n_questions", "n_answerable", "n_unanswerable", "k", "threshold", "coverage", "seconds")
NOTE_KEYS = ("model", "scorer", "scorer_sha256", "git_commit", "index_manifest_sha256")  # named when they differ


def compare(old: Mapping, new: Mapping, tolerance: float = COMPARE_TOLERANCE) -> list[dict]:
    """One row per numeric key present in both: old, new, delta, and a verdict.

    Only quality metrics (`metrics.metric_direction`) get a verdict, and only when they moved by at
    least `tolerance` (relative above 1, as for mean_quote_chars): "within noise" when the new value
    lies inside the old run's 95% bootstrap interval of that metric (`<key>_ci95`: hit@1 and the
    abstention rates have one), else "better" or "worse". Other keys (counts, k, thresholds, seconds,
    budgets) are rows of kind "context" with no verdict. `old_ci95`: the old run's interval, if any.
    """
    old_n, new_n = numeric_items(old), numeric_items(new)
    rows = []
    for key in new_n:
        if key not in old_n:
            continue
        delta = new_n[key] - old_n[key]
        direction = metric_direction(key)
        verdict = ""
        interval = old.get(f"{key}_ci95")
        if not (isinstance(interval, list) and len(interval) == 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in interval)):
            interval = None
        if direction is not None and abs(delta) >= tolerance * max(1.0, abs(old_n[key])):
            if interval is not None and interval[0] <= new_n[key] <= interval[1]:
                verdict = "within noise"
            else:
                verdict = "better" if delta * direction > 0 else "worse"
        rows.append({"metric": key, "old": old_n[key], "new": new_n[key], "delta": delta, "verdict": verdict,
                     "kind": "metric" if direction is not None else "context", "old_ci95": interval})
    return rows


def comparison_warnings(old: Mapping, new: Mapping) -> list[str]:
    """Why the old run's numbers may not be comparable: another dataset, or another number of questions."""
    warnings = []
    old_sha, new_sha = old.get("dataset_sha256"), new.get("dataset_sha256")
    if old_sha and new_sha:
        if old_sha != new_sha:
            warnings.append(f"OLD was run on a different dataset: {old.get('dataset')} (sha256 {old_sha[:12]}) "
                            f"against {new.get('dataset')} (sha256 {new_sha[:12]}) now")
    elif old.get("dataset") is None:
        warnings.append("OLD does not name its dataset; it may not be the same as this run's")
    elif old.get("dataset") != new.get("dataset") or old.get("kind", new.get("kind")) != new.get("kind"):
        warnings.append(f"OLD was run on a different dataset: {old.get('dataset')} against {new.get('dataset')} now")
    if old.get("n_questions") is not None and old.get("n_questions") != new.get("n_questions"):
        warnings.append(f"OLD was run on {_count(old.get('n_questions'), 'question')}, "
                        f"this run on {new.get('n_questions')}")
    # what else makes the same questions score differently (an evaluator's review: another index or k was
    # compared without a word, and its metrics called worse)
    if old.get("k") is not None and new.get("k") is not None and old["k"] != new["k"]:
        warnings.append(f"OLD ranked {old['k']} quotes per question, this run {new['k']} (--k)")
    if old.get("known_questions") is not None and new.get("known_questions") is not None \
            and old["known_questions"] != new["known_questions"]:
        warnings.append(f"OLD's index held {_count(old['known_questions'], 'known question')}, this run's "
                        f"{new['known_questions']} (another index: --index-dir)")
    elif old.get("index_manifest_sha256") and new.get("index_manifest_sha256") \
            and old["index_manifest_sha256"] != new["index_manifest_sha256"] and old.get("kind") != "squad":
        warnings.append(f"OLD was run on another index ({old.get('index_dir')}, built {old.get('index_built_at')}) "
                        f"than this run's ({new.get('index_dir')})")
    return warnings


def prediction_flips(old_rows: list[dict], new_rows: list[dict], method: str = "pipeline") -> dict:
    """Questions (by id) whose first quote went from hit to miss or back, or whose abstention changed,
    between two runs' predictions.jsonl rows of `method` (the old run's may be outcomes.jsonl's rows,
    `read_predictions`); `questions`: the text of each listed question."""
    old = {r["id"]: r for r in old_rows if r.get("method") == method}
    new = {r["id"]: r for r in new_rows if r.get("method") == method}
    both = [qid for qid in new if qid in old]
    answerable = [qid for qid in both if new[qid].get("answerable")]
    flips = {
        "method": method, "n_matched": len(both),
        "only_old": sum(qid not in new for qid in old), "only_new": sum(qid not in old for qid in new),
        "hit_to_miss": [q for q in answerable if old[q].get("first_hit") and not new[q].get("first_hit")],
        "miss_to_hit": [q for q in answerable if not old[q].get("first_hit") and new[q].get("first_hit")],
        "now_abstains": [q for q in both if not old[q].get("abstained") and new[q].get("abstained")],
        "now_answers": [q for q in both if old[q].get("abstained") and not new[q].get("abstained")],
    }
    listed = dict.fromkeys(q for key, _ in FLIP_LABELS for q in flips[key])
    flips["questions"] = {q: new[q].get("question") or old[q].get("question") for q in listed}
    return flips


FLIP_LABELS = (("hit_to_miss", "first quote hit -> miss"), ("miss_to_hit", "first quote miss -> hit"),
               ("now_abstains", "answered -> abstains"), ("now_answers", "abstained -> answers"))


def read_predictions(compared: str | Path) -> list[dict] | None:
    """The predictions.jsonl beside an old metrics.json (`compared` is the file or its folder), or, when
    it has none (predictions.jsonl is not committed), the pipeline's rows made from outcomes.jsonl;
    None when there is neither or it cannot be read."""
    compared = Path(compared)
    folder = compared if compared.is_dir() else compared.parent
    rows = _read_jsonl(folder / "predictions.jsonl")
    if rows is None:
        outcomes = _read_jsonl(folder / OUTCOMES)
        rows = None if outcomes is None else [
            {"method": "pipeline", "id": r["id"], "first_hit": r.get("hit_rank") == 1, "hit_rank": r.get("hit_rank"),
             "abstained": r.get("abstained"), "confidence": r.get("confidence")} for r in outcomes]
    return rows or None


def _read_jsonl(path: Path) -> list[dict] | None:
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return [r for r in rows if isinstance(r, dict) and "id" in r] or None


def no_flips_note(old: Mapping, old_name: str) -> str:
    """Why the changed questions are not listed, and how to list them."""
    commit = old.get("git_commit")
    how = (f"to list them, run OLD's evaluation again with --report at its commit {commit[:12]} (e.g. in "
           f"`git worktree add /tmp/old {commit[:12]}`) and compare with that folder" if isinstance(commit, str)
           else "to list them, run OLD's evaluation again with --report at the code that made it and compare "
           "with that folder")
    return (f"questions that changed: not listed ({old_name} has neither predictions.jsonl, which is not "
            f"committed, nor {OUTCOMES} beside it; {how})")


OUTCOMES = "outcomes.jsonl"  # the pipeline's per-question outcomes, small enough to commit


@dataclass
class Comparison:
    """A new run against an old metrics.json (and its predictions, when it has them)."""

    old_name: str
    rows: list[dict]
    warnings: list[str] = field(default_factory=list)
    flips: dict | None = None
    tolerance: float = COMPARE_TOLERANCE
    notes: list[str] = field(default_factory=list)  # what else differs: model, scorer, code version
    no_flips: str | None = None  # why questions were to be listed and are not

    @property
    def worse(self) -> list[str]:
        return [r["metric"] for r in self.rows if r["verdict"] == "worse"]

    @property
    def better(self) -> list[str]:
        return [r["metric"] for r in self.rows if r["verdict"] == "better"]

    @property
    def noise(self) -> list[str]:
        """Metrics that moved, but to a value inside the old run's 95% interval."""
        return [r["metric"] for r in self.rows if r["verdict"] == "within noise"]

    def tally(self) -> str:
        """"2 metrics worse, 1 better, 1 within noise, 30 unchanged"."""
        n = sum(r["kind"] == "metric" for r in self.rows)
        moved = len(self.worse) + len(self.better) + len(self.noise)
        return (f"{plural(len(self.worse), 'metric')} worse, {len(self.better)} better, "
                f"{len(self.noise)} within noise, {n - moved} unchanged")

    def legend(self) -> str:
        """How the verdicts are given, in words."""
        lower = sorted(k for k in LOWER_IS_BETTER if not k.startswith("macro_"))
        return (f"Unchanged: moved by less than {self.tolerance:g} (less than {self.tolerance * 100:g}% of the old "
                "value when it is above 1). Within noise: moved more, but the new value lies inside the old "
                "run's 95% bootstrap interval (only hit@1 and the abstention rates have one; the other metrics "
                f"are judged by the {self.tolerance:g} threshold alone). Lower is better for "
                f"{', '.join(lower[:-1])} and {lower[-1]}: a longer first quote counts as worse.")

    def to_json(self) -> dict:
        return {"old": self.old_name, "tolerance": self.tolerance, "warnings": self.warnings, "notes": self.notes,
                "worse": self.worse, "better": self.better, "within_noise": self.noise, "rows": self.rows,
                "flips": self.flips, "questions_not_listed": self.no_flips}


def make_comparison(old: Mapping, new: Mapping, old_name: str, old_predictions: list[dict] | None = None,
                    new_predictions: list[dict] | None = None, questions: bool = False) -> Comparison:
    """`questions`: the runs were of questions, whose changes are listed (from the old run's
    predictions, when it has them; else a note says how to get them)."""
    flips = prediction_flips(old_predictions, new_predictions) if old_predictions and new_predictions else None
    notes = [f"{key} {old[key]} → {new[key]}" for key in NOTE_KEYS
             if isinstance(old.get(key), str) and isinstance(new.get(key), str) and old[key] != new[key]]
    return Comparison(old_name, compare(old, new), comparison_warnings(old, new), flips, notes=notes,
                      no_flips=no_flips_note(old, old_name) if questions and flips is None else None)


def load_metrics(path: str | Path) -> dict:
    from ..errors import SourceError

    path = Path(path)
    if path.is_dir():
        path = path / "metrics.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: no such metrics file; pass the metrics.json of an earlier --report run.") from None
    except (ValueError, UnicodeDecodeError):
        raise SourceError(f"{path} is not valid JSON; pass the metrics.json written by --report.") from None
    if not isinstance(data, dict):
        raise SourceError(f"{path} holds a JSON {type(data).__name__}, expected the metrics object from --report.")
    return data


def format_comparison(comparison: Comparison, max_ids: int = 20) -> str:
    """Plain-text comparison: warnings, every metric old -> new, context, and the questions that flipped."""
    c = comparison
    lines = [f"WARNING: {w}" for w in c.warnings]
    metrics = [r for r in c.rows if r["kind"] == "metric"]
    if not metrics:
        lines.append(f"no metric in common with {c.old_name}")
    else:
        width = max(len(r["metric"]) for r in metrics)
        lines.append(f"change since {c.old_name} (old -> new, delta):")
        for r in metrics:
            mark = {"better": "  better", "worse": "  WORSE", "within noise": "  within noise"}.get(r["verdict"], "")
            lines.append(f"  {r['metric']:<{width}}  {_fmt(r['old'])} -> {_fmt(r['new'])}  ({r['delta']:+.4g}){mark}")
    context = [f"{r['metric']} {_fmt(r['old'])} -> {_fmt(r['new'])}"
               for r in c.rows if r["kind"] == "context" and r["metric"] in CONTEXT_KEYS]
    if context or c.notes:
        lines.append("  context, not judged: " + ", ".join(context + [n.replace(" → ", " -> ") for n in c.notes]))
    if metrics:
        lines.append(f"  {c.tally()}" + (" (not comparable: see the warning above)" if c.warnings else ""))
        lines.append(textwrap.fill(c.legend(), width=100, initial_indent="  ", subsequent_indent="  "))
    lines.extend(_flip_lines(c.flips, max_ids))
    if c.no_flips:
        lines.append(c.no_flips)
    return "\n".join(lines)


def _flip_lines(flips: dict | None, max_ids: int | None, indent: str = "    ") -> list[str]:
    """The questions that changed: a header, then each kind of change with its questions, one a line
    (id and question, clipped), at most `max_ids` of each (None: all)."""
    if flips is None:
        return []
    lines = [f"questions that changed ({flips['method']}; {plural(flips['n_matched'], 'id')} in both runs"
             + (f", {flips['only_old']} only in OLD" if flips["only_old"] else "")
             + (f", {flips['only_new']} only in this run" if flips["only_new"] else "") + "):"]
    texts = flips.get("questions") or {}
    for key, label in FLIP_LABELS:
        ids = flips[key]
        shown = ids if max_ids is None else ids[:max_ids]
        lines.append(f"  {label} ({len(ids)}):" + ("" if ids else " none"))
        lines.extend(f"{indent}{q}: {clip(texts[q], 90)}" if texts.get(q) else f"{indent}{q}" for q in shown)
        if len(ids) > len(shown):
            lines.append(f"{indent}… and {len(ids) - len(shown)} more (see --json or report.md)")
    return lines


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters with "…" where it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _count(n, noun: str) -> str:
    """`plural` of a count read from a metrics file, which may lack it ("None questions" as before)."""
    return plural(n, noun) if isinstance(n, int) else f"{n} {noun}s"


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(int(value)) if isinstance(value, float) else str(value)


# --- human-readable summary -----------------------------------------------------------------------

def summary_table(metrics: Mapping, methods: list[str], keys=SUMMARY_KEYS, micro: bool = False) -> str:
    """A Markdown table: one row per metric, one column per method."""
    k_key = f"ndcg@{metrics.get('k', 10)}"
    keys = [k_key if key == "ndcg@10" else key for key in keys]
    head = "| metric | " + " | ".join(methods) + " |\n|---|" + "---|" * len(methods)
    rows = []
    for key in keys:
        cells = []
        for method in methods:
            name = f"{prefix(method)}{'micro/' if micro else ''}{key}"
            value = metrics.get(name)
            ci = metrics.get(f"{name}_ci95")
            cells.append(_fmt(value) + (f" [{_fmt(ci[0])}, {_fmt(ci[1])}]" if ci else "") if value is not None else "–")
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    counts = " / ".join(
        f"{metrics.get(prefix(methods[0]) + ('micro/' if micro else '') + n)}" for n in ("n_answerable", "n_unanswerable")
    )
    return head + "\n" + "\n".join(rows) + f"\n\nanswerable / unanswerable questions: {counts}"


def undefined_notes(metrics: Mapping) -> list[str]:
    """One line for each kind of question the dataset lacks, naming the metrics that cannot be
    computed without it (a table shows them as "–")."""
    notes = []
    if metrics.get("n_answerable") == 0:
        notes.append("0 answerable questions: hit@k, MRR, passage_hit@k, nDCG, exact_match, f1, "
                     "false_abstain_rate and AUROC are undefined (shown as –)")
    if metrics.get("n_unanswerable") == 0:
        notes.append("0 unanswerable questions: abstain_recall and AUROC are undefined (shown as –)")
    return notes


def format_summary(metrics: Mapping) -> str:
    """Plain-text summary for a terminal."""
    methods = metrics["methods"]
    lines = [
        f"{metrics['dataset']} ({metrics['kind']}, {metrics['averaging']}): "
        f"{_count(metrics.get('n_questions'), 'question')}, "
        f"threshold {metrics['threshold']:.3f}, {metrics['seconds']:.0f} s",
        summary_table(metrics, methods),
    ]
    if "calibration/threshold" in metrics:
        lines.append(_calibration_text(metrics))
    return "\n\n".join(lines)


def _calibration_text(metrics: Mapping) -> str:
    return (
        f"calibrated threshold {metrics['calibration/threshold']:.4f} at false-abstain budget "
        f"{metrics['calibration/false_abstain_budget']:.2f}: false_abstain_rate "
        f"{_fmt(metrics['calibration/false_abstain_rate'])}, abstain_recall "
        f"{_fmt(metrics['calibration/abstain_recall'])}, coverage {_fmt(metrics['calibration/coverage'])}, "
        f"{plural(metrics['calibration/correct_decisions'], 'correct decision')} (pooled over all questions)"
    )


# --- report folder --------------------------------------------------------------------------------

def write_report(
    folder: str | Path, run: EvalRun, metrics: dict, *, comparison: Comparison | None = None,
    calibrated_threshold: float | None = None, command: str = "",
) -> Path:
    """Write report.md, metrics.json, predictions.jsonl, outcomes.jsonl and PNG plots into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    _write_predictions(folder / "predictions.jsonl", run)
    _write_outcomes(folder / OUTCOMES, run)
    plots = plot_all(folder, run, calibrated_threshold)
    (folder / "report.md").write_text(
        _markdown(run, metrics, plots, comparison, command, calibrated_threshold), encoding="utf-8",
    )
    return folder / "report.md"


def prediction_row(method: str, group: str, question: str, r: QuestionResult) -> dict:
    """One line of predictions.jsonl: a judged question, its first quote and where that quote sits.

    `first_citation` describes the first ranked quote (the first citation, or the closest passage's
    quote when it abstained; None when nothing was ranked) with the score the method gave it;
    `threshold` is the bar the answer's confidence was held to (a first quote outside the report has a
    higher one) and `reason` the answer's own explanation, so an answer above the run's threshold that
    still abstained says why.
    """
    src = r.first_source
    return {
        "method": method, "group": group, "id": r.qid, "question": question,
        "answerable": r.answerable, "abstained": r.abstained,
        "confidence": round(r.confidence, 6), "first_hit": r.first_hit,
        "hit_rank": next((i + 1 for i, h in enumerate(r.hits) if h), None),
        "first_quote": r.first_quote, "gold": list(r.gold),
        "first_citation": None if src is None else {
            "doc_id": src.doc_id, "paragraph": src.paragraph, "section": src.section,
            "start": src.start, "end": src.end, "score": round(src.score, 6),
        },
        "reason": r.reason,
        "threshold": None if r.threshold is None else round(r.threshold, 6),
    }


def prediction_rows(run: EvalRun, methods: list[str] | None = None) -> list[dict]:
    """predictions.jsonl's rows of `methods` (all the run's by default), method by method."""
    return [
        prediction_row(method, group.name, question.question, r)
        for method in (methods or run.methods)
        for group, judged in zip(run.dataset.groups, run.results[method])
        for question, r in zip(group.questions, judged)
    ]


def _write_predictions(path: Path, run: EvalRun) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in prediction_rows(run):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def outcome_row(r: QuestionResult) -> dict:
    """One line of outcomes.jsonl: what `--compare` needs of a question, without its text and quotes."""
    return {"id": r.qid, "hit_rank": next((i + 1 for i, h in enumerate(r.hits) if h), None),
            "abstained": r.abstained, "confidence": round(r.confidence, 4)}


def _write_outcomes(path: Path, run: EvalRun) -> None:
    """The pipeline's per-question outcomes, one compact line each: unlike predictions.jsonl (several MB
    on SQuAD, not committed) small enough to commit, so that `--compare` lists changed questions on a
    fresh clone."""
    if "pipeline" not in run.methods:
        return
    with path.open("w", encoding="utf-8") as fh:
        for judged in run.results["pipeline"]:
            for r in judged:
                fh.write(json.dumps(outcome_row(r), ensure_ascii=False, separators=(",", ":")) + "\n")


def operating_points(run: EvalRun, calibrated_threshold: float | None = None) -> list[dict]:
    """Where the pipeline's decisions put it on the risk-coverage plane, pooled over all questions.

    The run's point comes from the decisions it made (`abstained`), so a question held to its own
    higher bar (a first quote outside the report) or declined for another reason counts as abstained,
    and the point equals `coverage` and `risk` of the pooled metrics (`micro/` for SQuAD). The
    calibrated point re-decides every question at the calibrated threshold, each keeping its own
    higher bar (`rethreshold`).
    """
    pooled = [r for g in run.results.get("pipeline", []) for r in g]
    if not pooled:
        return []
    decisions = [("pipeline's decisions", run.threshold, pooled)]
    if calibrated_threshold is not None:
        decisions.append(("calibrated threshold", calibrated_threshold, rethreshold(pooled, calibrated_threshold)))
    points = []
    for name, threshold, results in decisions:
        answered = [r for r in results if not r.abstained]
        points.append({
            "name": name, "threshold": threshold, "coverage": len(answered) / len(results),
            "risk": sum(not r.correct for r in answered) / len(answered) if answered else None,
        })
    return points


def _averaging(run: EvalRun) -> str:
    """How a per-group curve is averaged: macro over articles (SQuAD), or over the one question file."""
    n = len(run.group_names)
    return f"macro over {n} article{'' if n == 1 else 's'}" if run.dataset.kind == "squad" and n > 1 else "pooled"


def baselines_text(scorer) -> str:
    """What the `bm25` and `dense` baselines do (`Assistant.score` with `sentence_candidates`)."""
    n_passages = getattr(scorer, "passages_considered", 6)
    n_sentences = getattr(scorer, "sentences_considered", 8)
    return (
        "The baselines rank the pipeline's own candidate sentences by one score alone and quote them in that "
        "order: the sentence's BM25 score (`bm25`) or its cosine similarity to the question (`dense`). The "
        f"candidates come from the hybrid retriever: the sentences of the {n_passages} passages ranked best by "
        "reciprocal-rank fusion of the dense and BM25 passage scores, plus the "
        f"{n_sentences} sentences with the highest cosine and the {n_sentences} with the highest BM25 score "
        "(in the documents that passage search found), and a page part the question names (the byline, a "
        "caption). So the encoder moves both baselines' figures, `bm25`'s too. They skip the pipeline's ranker, "
        "its rules and its answerability model; their abstention is not calibrated, so only their ranking "
        "metrics and the AUROC of their raw top score are reported."
    )


# What each method's `confidence` is (`Assistant.score`): the pipeline's answerability, calibrated, and
# the baselines' raw top score, which is not a probability
HISTOGRAM_LABELS = {
    "pipeline": ("pipeline confidence (pooled)", "confidence (answerability)"),
    "bm25": ("bm25: raw top score (pooled)", "s/(1 + s), s the top sentence's BM25 score; uncalibrated"),
    "dense": ("dense: raw top score (pooled)", "top sentence cosine similarity, uncalibrated"),
}


def plot_all(folder: Path, run: EvalRun, calibrated_threshold: float | None = None) -> dict[str, str]:
    """hit@k curves, risk-coverage curves and confidence histograms as PNG files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    files = {}
    fig, ax = plt.subplots(figsize=(6, 4))
    ks = list(range(1, run.k + 1))
    for method in run.methods:
        curve = hit_curve(run.results[method], run.k)
        ax.plot(ks, [np.nan if v is None else v for v in curve], marker="o", label=method)
    ax.set(xlabel="k (quotes)", ylabel="hit@k (answerable questions)", title=f"hit@k ({_averaging(run)})",
           ylim=(0, 1))
    ax.set_xticks(ks)
    ax.grid(alpha=0.3)
    ax.legend()
    files["hit@k"] = _save(fig, folder / "hit_at_k.png")

    fig, ax = plt.subplots(figsize=(6, 4))
    for method in run.methods:
        pooled = [r for g in run.results[method] for r in g]
        coverage, risk = risk_coverage([r.confidence for r in pooled], [r.correct for r in pooled])
        ax.plot(coverage, risk, label=method)
    for point, style in zip(operating_points(run, calibrated_threshold), ("o", "s")):
        if point["risk"] is not None:
            ax.plot(point["coverage"], point["risk"], style, color="black",
                    label=f"{point['name']} ({point['threshold']:.3f}): coverage {point['coverage']:.3f}, "
                          f"risk {point['risk']:.3f}")
    ax.set(xlabel="coverage (share answered, most confident first)",
           ylabel="risk (error rate of answered)", title="risk-coverage (pooled over all questions)",
           xlim=(0, 1), ylim=(0, 1))
    ax.grid(alpha=0.3)
    ax.legend()
    files["risk-coverage"] = _save(fig, folder / "risk_coverage.png")

    fig, axes = plt.subplots(1, len(run.methods), figsize=(4.2 * len(run.methods), 3.6), squeeze=False)
    for ax, method in zip(axes[0], run.methods):
        pooled = [r for g in run.results[method] for r in g]
        conf = np.array([r.confidence for r in pooled])
        label = np.array([r.answerable for r in pooled], dtype=bool)
        bins = np.linspace(conf.min(), conf.max() + 1e-9, 30) if len(conf) else 10
        ax.hist(conf[label], bins=bins, alpha=0.6, label="answerable")
        ax.hist(conf[~label], bins=bins, alpha=0.6, label="unanswerable")
        if method == "pipeline":
            ax.axvline(run.threshold, color="black", linestyle="--", label="threshold")
            if calibrated_threshold is not None:
                ax.axvline(calibrated_threshold, color="red", linestyle=":", label="calibrated")
        title, xlabel = HISTOGRAM_LABELS.get(method, (f"{method}: raw top score (pooled)", "raw top score"))
        ax.set(title=title, xlabel=xlabel, ylabel="questions")
        ax.legend(fontsize=8)
    files["confidence"] = _save(fig, folder / "confidence_hist.png")
    return files


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path.name


def report_head(title: str, header: list[str], metrics: Mapping, command: str,
                comparison: Comparison | None) -> list[str]:
    """report.md's title, its header lines with the command and the provenance, and the comparison's
    warnings (another dataset, another number of questions)."""
    lines = header + ([f"- command: `{command}`"] if command else []) + [provenance_line(metrics)]
    parts = [f"# Evaluation: {title}", "\n".join(lines)]
    if comparison is not None and comparison.warnings:
        parts.append("\n".join(f"> **Warning** (comparison with `{comparison.old_name}`): {w}."
                                for w in comparison.warnings))
    return parts


def provenance_line(metrics: Mapping) -> str:
    """report.md's line on what produced the run (code commit, scorer, dataset, index)."""
    commit = metrics.get("git_commit")
    code = "unknown (no git)" if not commit else f"`{commit[:12]}`" + (
        " with uncommitted changes" if metrics.get("git_dirty") else "")
    parts = [f"code {code}"]
    for key, name in (("scorer_sha256", "scorer"), ("dataset_sha256", "dataset")):
        if metrics.get(key):
            parts.append(f"{name} sha256 `{metrics[key][:12]}`")
    if metrics.get("index_manifest_sha256"):
        parts.append(f"index built {metrics.get('index_built_at')} (`{metrics.get('index_data_dir')}`, manifest "
                     f"sha256 `{metrics['index_manifest_sha256'][:12]}`)")
    return "- provenance: " + "; ".join(parts)


def comparison_markdown(c: Comparison, headline_keys=SUMMARY_KEYS, questions: bool = True) -> list[str]:
    """The change since the old run: the headline metrics (the pipeline's, by default) in a short
    table, the rest (baselines, micro/, calibration/) collapsed, the context, and the questions that
    flipped."""
    metrics = [r for r in c.rows if r["kind"] == "metric"]
    k_key = next((r["metric"] for r in metrics if r["metric"].startswith("ndcg@")), "ndcg@10")
    shown = [k_key if key == "ndcg@10" else key for key in headline_keys]
    headline = sorted((r for r in metrics if r["metric"] in shown), key=lambda r: shown.index(r["metric"]))
    rest = [r for r in metrics if r not in headline]

    def table(rows):
        return "| metric | old | new | delta | |\n|---|---|---|---|---|\n" + "\n".join(
            f"| {r['metric']} | {_fmt(r['old'])} | {_fmt(r['new'])} | {r['delta']:+.4g} | "
            f"{'**worse**' if r['verdict'] == 'worse' else r['verdict']} |" for r in rows)

    parts = [f"## Change since `{c.old_name}`"]
    parts.extend(f"**Warning**: {w}; the changes below may not be comparable." for w in c.warnings)
    parts.append(f"{c.tally()}. {c.legend()} Counts, k, thresholds and seconds are context, never judged.")
    parts.append(table(headline) if headline else "No headline metric in common.")
    if rest:
        worse_rest = [f"`{r['metric']}`" for r in rest if r["verdict"] == "worse"]
        named = ", ".join(worse_rest[:8]) + (f" and {len(worse_rest) - 8} more" if len(worse_rest) > 8 else "")
        parts.append(
            f"{len(rest)} more rows (the pipeline's other cut-offs, baselines, `micro/` pooled, `calibration/`) "
            "are folded below" + (f"; worse among them: {named}." if worse_rest else "; none of them is worse.")
            + f"\n\n<details><summary>all {len(rest)} other metrics</summary>\n\n{table(rest)}\n\n</details>")
    context = [f"{r['metric']} {_fmt(r['old'])} → {_fmt(r['new'])}"
               for r in c.rows if r["kind"] == "context" and r["metric"] in CONTEXT_KEYS]
    if context or c.notes:
        parts.append("Context (not judged): " + ", ".join(context + c.notes) + ".")
    if c.flips is not None:
        lines = _flip_lines(c.flips, None, indent="  - ")
        items = "\n".join("- " + line.strip() if line.startswith("  ") and not line.startswith("  - ") else line
                          for line in lines[1:])
        n_ids = sum(len(c.flips[key]) for key, _ in FLIP_LABELS)
        if n_ids > 40:  # a long list of ids, folded
            counts = ", ".join(f"{label} {len(c.flips[key])}" for key, label in FLIP_LABELS)
            items = f"{counts}.\n\n<details><summary>the {n_ids} ids</summary>\n\n{items}\n\n</details>"
        parts.append(lines[0][0].upper() + lines[0][1:] + "\n\n" + items)
    elif questions and c.no_flips:
        parts.append(c.no_flips[0].upper() + c.no_flips[1:] + ".")
    return parts


FAILURES_SHOWN = 25  # questions listed of each kind of failure in report.md


def failures_markdown(run: EvalRun, limit: int = FAILURES_SHOWN) -> list[str]:
    """report.md's list of the pipeline's failures, most confident first, at most `limit` of each kind:
    answerable questions whose first quote misses (what hit@1 counts), answerable questions it
    abstained on (false_abstain_rate), and unanswerable questions it answered (1 − abstain_recall)."""
    if "pipeline" not in run.methods:
        return []
    squad = run.dataset.kind == "squad"
    judged = [(group.name, question, r) for group, results in zip(run.dataset.groups, run.results["pipeline"])
              for question, r in zip(group.questions, results)]
    kinds = (
        ("Answerable, first quote misses", "What hit@1 counts, abstained on or not",
         [j for j in judged if j[2].answerable and not j[2].first_hit]),
        ("Answerable, abstained on", "What false_abstain_rate counts; the quote is the closest one",
         [j for j in judged if j[2].answerable and j[2].abstained]),
        ("Unanswerable, answered", "What abstain_recall misses",
         [j for j in judged if not j[2].answerable and not j[2].abstained]),
    )
    parts = ["## Failures (pipeline)",
             f"Most confident first, at most {limit} of each kind; quotes and questions clipped. Every "
             "question, with its whole first quote and the answer's reason, is in `predictions.jsonl` (not "
             "committed: the command above writes it)."]
    for title, counts, rows in kinds:
        rows = sorted(rows, key=lambda j: -j[2].confidence)
        parts.append(f"### {title} ({len(rows)})")
        if not rows:
            parts.append("None.")
            continue
        answerable = rows[0][2].answerable
        head = (["article"] if squad else []) + ["id", "question", "first quote"] \
            + (["gold", "confidence", "abstained" if "misses" in title else "quote hits"] if answerable
               else ["confidence"])
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for group, question, r in rows[:limit]:
            cells = ([group] if squad else []) + [f"`{r.qid}`", question.question, r.first_quote or "(none)"]
            if answerable:
                flag = r.abstained if "misses" in title else r.first_hit
                cells += [" / ".join(r.gold) or "–", f"{r.confidence:.3f}", "yes" if flag else "no"]
            else:
                cells.append(f"{r.confidence:.3f}")
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        more = len(rows) - limit
        parts.append(f"{counts}.\n\n" + "\n".join(lines)
                     + (f"\n\n… and {more} more (in `predictions.jsonl`)." if more > 0 else ""))
    return parts


def _cell(text: str, limit: int = 120) -> str:
    """A Markdown table cell: one line, at most `limit` characters, no column bar."""
    return clip(text, limit).replace("|", "\\|")


def _markdown(run: EvalRun, metrics: dict, plots: dict[str, str], comparison: Comparison | None, command: str,
              calibrated_threshold: float | None = None) -> str:
    squad = run.dataset.kind == "squad"
    methods = list(run.methods)
    header = [
        f"- dataset: `{run.dataset.path}` ({run.dataset.kind}; {_count(metrics.get('n_questions'), 'question')}, "
        f"{metrics.get('n_answerable')} answerable, {metrics.get('n_unanswerable')} unanswerable"
        + (f", {plural(len(run.group_names), 'article')}" if squad else "") + ")",
        f"- model: `{run.model}`; methods: {', '.join(methods)}; k = {run.k}"
        + (f"; the index's known questions: {run.known_count} ({', '.join(f'`{p}`' for p in run.known_questions)})"
           if run.known_questions else ""),
        f"- pipeline abstention threshold: {run.threshold:.4f}"
        + (" (plain text's, with its own answerability model)" if run.plain else
           f" ({run.scorer.outside_threshold:.4f} for a first quote outside the report)"
           if run.scorer is not None and run.scorer.outside_threshold is not None else "")
        + f", scorer `{metrics.get('scorer', 'packaged')}` "
        f"({run.scorer_note or 'no note'})",
        f"- averaging: {metrics['averaging']}; 95% intervals: percentile bootstrap over questions"
        + (" within each article (these articles held fixed: the noise of their questions)" if squad else "")
        + ", fixed seed" + ("; across articles too (" + ", ".join(
            f"{name} [{_fmt(ci[0])}, {_fmt(ci[1])}]" for name in BOOTSTRAP_METRICS
            if (ci := metrics.get(f"{name}_ci95_articles"))) + "): how far other articles like these may land"
            if squad else ""),
        f"- wall time of the evaluation: {metrics['seconds']:.1f} s",
    ]
    parts = report_head(Path(run.dataset.path).name, header, metrics, command, comparison)
    parts.append("## Headline" + (" (macro average over articles)" if squad else ""))
    parts.append(summary_table(metrics, methods))
    parts.extend(f"**Note**: {note}." for note in undefined_notes(metrics))
    parts.append(baselines_text(run.scorer))
    if squad:
        parts.append("## Micro average (all questions pooled)")
        parts.append(summary_table(metrics, methods, micro=True))
    if "calibration/threshold" in metrics:
        parts.append("## Abstention calibration")
        parts.append(_calibration_text(metrics) + ". The threshold maximises correct decisions (answered "
                     "with a hitting first quote, or abstained on an unanswerable question) subject to the "
                     "false-abstain budget; only the threshold of the scorer changes.")
    if squad and "per_article" in metrics:
        parts.append("## Per article (pipeline)")
        keys = ["n_answerable", "n_unanswerable", "hit@1", "hit@3", "mrr", "abstain_recall",
                "false_abstain_rate", "abstain_auroc", "mean_quote_chars"]
        rows = ["| article | " + " | ".join(keys) + " | bm25 hit@1 | dense hit@1 |",
                "|---|" + "---|" * (len(keys) + 2)]
        for name, m in metrics["per_article"].items():
            cells = [_fmt(m.get(key)) for key in keys] + [_fmt(m.get("bm25/hit@1")), _fmt(m.get("dense/hit@1"))]
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
        parts.append("\n".join(rows))
    parts.extend(failures_markdown(run))
    if comparison is not None:
        parts.extend(comparison_markdown(comparison))
    parts.append("## Plots")
    points = "; ".join(
        f"{p['name']} (threshold {p['threshold']:.4f}): coverage {_fmt(p['coverage'])}, risk {_fmt(p['risk'])}"
        for p in operating_points(run, calibrated_threshold))
    parts.append(f"![hit@k]({plots['hit@k']})\n\n"
                 f"hit@k is {_averaging(run)}; the risk-coverage curves and the histograms pool all questions. "
                 f"Marked on the risk-coverage plot (pooled): {points or 'nothing'}.\n\n"
                 f"![risk-coverage]({plots['risk-coverage']})\n\n![confidence]({plots['confidence']})")
    parts.append(
        "\n## Definitions\n"
        "Text is normalised as SQuAD does (lowercase; ASCII punctuation, the articles a/an/the and extra "
        "whitespace removed; curly quotes and apostrophes folded first). A quote **hits** when its "
        "`[start, end)` overlaps a gold span's offsets (SQuAD; touching is not overlapping) or its "
        "normalised text contains a normalised gold answer as whole tokens. Ranking metrics (hit@k, mrr, "
        "passage_hit@k, ndcg) use the answerable questions and the ranked quotes whether or not the "
        "pipeline abstained (the closest quotes when it did); `answered_hit@1`: share of answerable questions "
        "answered (not abstained on) with a first quote that hits, what a reader is given. A Unicode dash "
        "between words parts them as a space would (SQuAD strips it, joining the words). `abstain_recall`: "
        "share of unanswerable "
        "questions abstained on; `false_abstain_rate`: share of answerable questions abstained on; "
        "`abstain_auroc`: how well the confidence ranks answerable "
        "above unanswerable questions; `coverage`: share of all questions answered (not abstained on), "
        "by the pipeline's own decisions; `risk`: share of the answered questions answered wrongly, where "
        "an answered question is wrong when it is unanswerable or its first quote misses; `aurc`: area "
        "under the risk-coverage curve (the mean risk when answering only the n most confident questions, "
        "n = 1..N; lower is better); "
        "`mean_quote_chars`: mean length of the first quote; `exact_match`/`f1`: SQuAD EM and token F1 of "
        "the first quote against the gold answers (low by design: quotes are whole sentences). For the "
        "`bm25` and `dense` baselines, `confidence` (in `predictions.jsonl`, the histograms, their "
        "`abstain_auroc` and `aurc`) is a raw top score, not a calibrated probability: s/(1 + s) of the top "
        "sentence's BM25 score s (1 − exp(−log(1 + s))), and the top sentence's cosine similarity. "
        "`predictions.jsonl` lists every question with its first quote, where that quote sits "
        "(`first_citation`: document, paragraph, section, offsets and the quote's own score; the closest "
        "passage's quote when it abstained), the answer's `reason` and the `threshold` its confidence was "
        "held to (higher for a first quote outside the report)."
    )
    return "\n\n".join(parts) + "\n"
