"""Metrics as pure functions, checked against numbers worked out by hand on five tiny questions."""

from __future__ import annotations

import math

import pytest

from retrieval.evaluation.metrics import (
    QuestionResult, aurc, auroc, bootstrap_ci, bootstrap_intervals, compute_metrics, contains_answer,
    exact_match, hit_at_k, hit_curve, macro_average, ndcg_at_k, normalize_answer, pick_outside_threshold,
    pick_threshold,
    reciprocal_rank, rethreshold, risk_coverage, span_overlaps, token_f1,
)
from retrieval.evaluation.report import compare

# Five questions. Answerable: q1 (first quote hits), q2 (third quote hits), q3 (no hit, abstained).
# Unanswerable: q4 (abstained), q5 (answered).
CASES = [
    QuestionResult("q1", True, False, 0.9, (True, False, False), (True,), "The cat sat.", ("cat sat",)),
    QuestionResult("q2", True, False, 0.6, (False, False, True), (False, True), "Dogs bark loudly.", ("the cat",)),
    QuestionResult("q3", True, True, 0.2, (False, False, False, False), (False, False), "Birds fly.", ("fish",)),
    QuestionResult("q4", False, True, 0.3, (), (), "Nothing here."),
    QuestionResult("q5", False, False, 0.7, (), (), "Something else entirely."),
]


def test_normalisation_follows_squad_and_folds_curly_quotes():
    assert normalize_answer("The  “Mongol” Dynasty’s") == "mongol dynastys"
    assert normalize_answer("An apple, a pear and THE plum!") == "apple pear and plum"
    assert normalize_answer("it’s") == normalize_answer("it's") == "its"
    assert normalize_answer("Theatre") == "theatre"  # articles only as whole words
    # a dash parts words: a gold of "many Chechens" is in "reporting—many Chechens" (it could never hit)
    assert normalize_answer("reporting—many – few") == "reporting many few"
    assert contains_answer("for their reporting—many Chechens appear", "many Chechens appear")
    assert normalize_answer("decade-long") == "decadelong"  # ASCII hyphens stripped, as SQuAD does


def test_contains_answer_matches_whole_tokens_only():
    assert contains_answer("It is an NGO based in the country.", "an NGO")
    assert contains_answer("around “50” requests", '"50"')
    assert not contains_answer("In 1990, it rained.", "1")
    assert not contains_answer("anything", "the")  # a gold that normalises to nothing never hits


def test_a_span_hits_when_it_overlaps_the_gold_span():
    """DESIGN.md "Metrics": a quote hits when it overlaps the gold span's offsets."""
    assert span_overlaps(10, 20, 10, 20) and span_overlaps(0, 30, 12, 15)
    assert span_overlaps(10, 20, 15, 25) and span_overlaps(15, 25, 10, 20)  # either side
    assert span_overlaps(12, 15, 0, 30)  # a quote inside a long gold span
    assert span_overlaps(10, 20, 19, 40)  # one character in common
    assert not span_overlaps(10, 20, 20, 30) and not span_overlaps(20, 30, 10, 20)  # touching only
    assert not span_overlaps(0, 5, 10, 20)


def test_exact_match_and_token_f1_by_hand():
    assert exact_match("The cat sat.", ["cat sat"]) == 1.0
    assert exact_match("cat", ["dog", "a cat"]) == 1.0
    # pred tokens {cat, sat, on, mat}, gold {cat, on, mat}: P = 3/4, R = 1, F1 = 6/7
    assert token_f1("the cat sat on the mat", ["cat on mat"]) == pytest.approx(6 / 7)
    assert token_f1("dogs bark", ["fish", "bark"]) == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert token_f1("", ["cat"]) == 0.0


def test_ranking_functions_by_hand():
    assert hit_at_k((False, True), 1) == 0.0 and hit_at_k((False, True), 2) == 1.0
    assert reciprocal_rank((False, False, True)) == pytest.approx(1 / 3)
    assert reciprocal_rank((False, False, True), k=2) == 0.0
    assert ndcg_at_k((True,), 10) == 1.0
    assert ndcg_at_k((False, False, True), 10) == pytest.approx(0.5)  # 1/log2(4) over an ideal of 1
    # hits at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3)
    assert ndcg_at_k((False, True, True), 10) == pytest.approx(
        (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3)))
    assert ndcg_at_k((False, False), 10) == 0.0


def test_auroc_by_hand():
    # positives 0.9, 0.6, 0.2 against negatives 0.3, 0.7: 3 of 6 pairs ordered right
    assert auroc([0.9, 0.6, 0.2, 0.3, 0.7], [True, True, True, False, False]) == pytest.approx(0.5)
    assert auroc([0.9, 0.8, 0.1], [True, True, False]) == 1.0
    assert auroc([0.5, 0.5], [True, False]) == 0.5  # ties count half
    assert auroc([0.4, 0.2], [True, True]) is None  # one class only


def test_risk_coverage_and_aurc_by_hand():
    conf = [r.confidence for r in CASES]
    correct = [r.correct for r in CASES]  # only q1
    coverage, risk = risk_coverage(conf, correct)
    # most confident first: q1 (right), q5, q2, q4, q3 (wrong)
    assert coverage.tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert risk.tolist() == pytest.approx([0, 1 / 2, 2 / 3, 3 / 4, 4 / 5])
    assert aurc(conf, correct) == pytest.approx((0 + 1 / 2 + 2 / 3 + 3 / 4 + 4 / 5) / 5)


def test_compute_metrics_on_five_questions_by_hand():
    m = compute_metrics(CASES, k=10)
    assert (m["n_questions"], m["n_answerable"], m["n_unanswerable"]) == (5, 3, 2)
    assert m["hit@1"] == pytest.approx(1 / 3)
    assert m["hit@3"] == pytest.approx(2 / 3)
    assert m["hit@10"] == pytest.approx(2 / 3)
    assert m["mrr"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert m["passage_hit@1"] == pytest.approx(1 / 3)
    assert m["passage_hit@3"] == pytest.approx(2 / 3)
    assert m["ndcg@10"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert m["abstain_recall"] == pytest.approx(1 / 2)
    assert m["false_abstain_rate"] == pytest.approx(1 / 3)
    assert m["abstain_auroc"] == pytest.approx(0.5)
    assert m["mean_quote_chars"] == pytest.approx((12 + 17 + 10 + 13 + 24) / 5)
    assert m["exact_match"] == pytest.approx(1 / 3)  # "The cat sat." == "cat sat" after normalising
    assert m["f1"] == pytest.approx(1 / 3)
    assert m["coverage"] == pytest.approx(3 / 5)
    assert m["risk"] == pytest.approx(2 / 3)  # answered q1 (right), q2 and q5 (wrong)


def test_baseline_metrics_leave_out_uncalibrated_abstention():
    m = compute_metrics(CASES, k=3, abstention=False)
    assert "abstain_recall" not in m and "false_abstain_rate" not in m
    assert "abstain_auroc" in m and "ndcg@3" in m and "hit@10" not in m


def test_empty_denominators_give_none():
    m = compute_metrics([CASES[3]], k=10)  # one unanswerable question
    assert m["hit@1"] is None and m["false_abstain_rate"] is None and m["abstain_auroc"] is None
    assert m["abstain_recall"] == 1.0


def test_pick_threshold_by_hand():
    conf = [r.confidence for r in CASES]
    answerable = [r.answerable for r in CASES]
    first_hit = [r.first_hit for r in CASES]
    # budget 0.10: only answering everything keeps false abstentions at 0 -> 1 correct (q1)
    tight = pick_threshold(conf, answerable, first_hit, 0.10)
    assert tight.threshold == pytest.approx(0.2) and tight.correct_decisions == 1
    assert tight.false_abstain_rate == 0.0
    # budget 0.5: t = 0.45 abstains on q3 and q4 -> q1 answered right, q4 abstained right
    mid = pick_threshold(conf, answerable, first_hit, 0.5)
    assert mid.threshold == pytest.approx(0.45) and mid.correct_decisions == 2
    assert (mid.false_abstain_rate, mid.abstain_recall, mid.coverage) == pytest.approx((1 / 3, 1 / 2, 3 / 5))
    # no budget: t = 0.8 answers only q1 and abstains on both unanswerable ones
    loose = pick_threshold(conf, answerable, first_hit, 1.0)
    assert loose.threshold == pytest.approx(0.8) and loose.correct_decisions == 3


def test_pick_outside_threshold_by_hand():
    # threshold 0.3 for all; q2-q5 have their first quote outside the report
    conf = [0.9, 0.4, 0.5, 0.7, 0.8, 0.2]
    answerable = [True, False, False, True, False, True]
    first_hit = [True, False, False, True, False, False]
    outside = [False, True, True, True, True, False]
    # 0.6 declines q2 and q3 (unanswerable, 0.4 and 0.5) and keeps q4 (answerable, 0.7): q1, q2, q3
    # and q4 right; above 0.8 also declines q5 (right) but q4 (wrong): as many right, one more false
    # abstention; 0.75 declines q4 and keeps q5: fewer right
    chosen = pick_outside_threshold(conf, answerable, first_hit, outside, 0.3, 1.0)
    assert chosen.threshold == pytest.approx(0.6) and chosen.correct_decisions == 4
    assert (chosen.false_abstain_rate, chosen.abstain_recall) == pytest.approx((1 / 3, 2 / 3))
    # a budget that allows q6's false abstention (by 0.3 already, 1 of 3) and no other: the same
    assert pick_outside_threshold(conf, answerable, first_hit, outside, 0.3, 0.34).threshold == pytest.approx(0.6)
    # a budget that q6 alone breaks: only the threshold itself is left, whatever it does
    assert pick_outside_threshold(conf, answerable, first_hit, outside, 0.3, 0.2).threshold == 0.3
    # nothing outside: the threshold itself
    assert pick_outside_threshold(conf, answerable, first_hit, [False] * 6, 0.3, 1.0).threshold == 0.3


def test_rethreshold_changes_only_abstention():
    again = rethreshold(CASES, 0.65)
    assert [r.abstained for r in again] == [False, True, True, True, False]
    assert [r.hits for r in again] == [r.hits for r in CASES]


def test_rethreshold_keeps_a_results_own_higher_threshold():
    from dataclasses import replace

    cases = [replace(r, own_threshold=0.95) if i == 0 else r for i, r in enumerate(CASES)]  # q1: 0.9
    assert [r.abstained for r in rethreshold(cases, 0.65)] == [True, True, True, True, False]
    assert [r.abstained for r in rethreshold(cases, 0.1)] == [True, False, False, False, False]


def test_macro_average_skips_undefined_and_adds_counts():
    m = macro_average([
        {"hit@1": 1.0, "n_answerable": 2, "abstain_auroc": None},
        {"hit@1": 0.5, "n_answerable": 3, "abstain_auroc": 0.8},
    ])
    assert m == {"hit@1": 0.75, "n_answerable": 5, "abstain_auroc": 0.8}


def test_bootstrap_is_seeded_and_macro_within_groups():
    assert bootstrap_ci([[1, 1, 1]]) == [1.0, 1.0]
    assert bootstrap_ci([[1, 1], [0, 0]]) == [0.5, 0.5]  # macro of two constant groups
    values = [[1, 0, 1, 1, 0, 0, 1, 0, 1, 1]]
    lo, hi = bootstrap_ci(values, seed=3)
    assert lo < 0.6 < hi and bootstrap_ci(values, seed=3) == [lo, hi]
    assert bootstrap_ci([[]]) is None
    ci = bootstrap_intervals([CASES])
    assert set(ci) == {"hit@1_ci95", "abstain_recall_ci95", "false_abstain_rate_ci95"}
    assert ci["hit@1_ci95"][0] <= 1 / 3 <= ci["hit@1_ci95"][1]


def test_hit_curve_is_macro_over_groups():
    curve = hit_curve([CASES[:1], CASES[1:3]], k=3)
    # group 1: q1 hits at 1; group 2: q2 hits at 3, q3 never -> 0, 0, 0.5
    assert curve == pytest.approx([(1 + 0) / 2, (1 + 0) / 2, (1 + 0.5) / 2])


def test_compare_marks_regressions_by_direction():
    rows = {r["metric"]: r for r in compare(
        {"hit@1": 0.5, "false_abstain_rate": 0.1, "n_questions": 10, "bm25/hit@1": 0.4, "dataset": "x"},
        {"hit@1": 0.4, "false_abstain_rate": 0.05, "n_questions": 12, "bm25/hit@1": 0.4, "new": 1.0},
    )}
    assert set(rows) == {"hit@1", "false_abstain_rate", "n_questions", "bm25/hit@1"}
    assert rows["hit@1"]["verdict"] == "worse" and rows["hit@1"]["delta"] == pytest.approx(-0.1)
    assert rows["false_abstain_rate"]["verdict"] == "better"
    assert rows["n_questions"]["verdict"] == "" and rows["bm25/hit@1"]["verdict"] == ""


def test_compare_never_judges_context_and_ignores_tiny_changes():
    old = {"hit@1": 0.5, "mrr": 0.6, "seconds": 100.0, "k": 10, "threshold": 0.2, "n_answerable": 10,
           "calibration/false_abstain_budget": 0.1, "calibration/threshold": 0.3, "coverage": 0.8,
           "calibration/correct_decisions": 50, "bm25/micro/hit@3": 0.7, "mean_quote_chars": 120.0,
           "aurc": 0.3, "dense/abstain_auroc": 0.6}
    new = {"hit@1": 0.5004, "mrr": 0.6006, "seconds": 300.0, "k": 5, "threshold": 0.25, "n_answerable": 12,
           "calibration/false_abstain_budget": 0.2, "calibration/threshold": 0.1, "coverage": 0.5,
           "calibration/correct_decisions": 40, "bm25/micro/hit@3": 0.69, "mean_quote_chars": 120.05,
           "aurc": 0.25, "dense/abstain_auroc": 0.59}
    rows = {r["metric"]: r for r in compare(old, new)}
    for key in ("seconds", "k", "threshold", "n_answerable", "calibration/false_abstain_budget",
                "calibration/threshold", "coverage", "calibration/correct_decisions"):
        assert rows[key]["verdict"] == "" and rows[key]["kind"] == "context", key
    assert rows["hit@1"]["verdict"] == ""  # +0.0004: under the tolerance
    assert rows["mrr"]["verdict"] == "better"  # +0.0006
    assert rows["mean_quote_chars"]["verdict"] == ""  # 0.05 of 120 characters: relative, under it
    assert rows["bm25/micro/hit@3"]["verdict"] == "worse" and rows["dense/abstain_auroc"]["verdict"] == "worse"
    assert rows["aurc"]["verdict"] == "better"


def test_a_change_inside_the_old_runs_interval_is_within_noise():
    from retrieval.evaluation.report import comparison_markdown, format_comparison, make_comparison

    old = {"hit@1": 0.70, "hit@1_ci95": [0.6, 0.8], "bm25/hit@1": 0.5, "bm25/hit@1_ci95": [0.45, 0.55],
           "false_abstain_rate": 0.05, "false_abstain_rate_ci95": [0.0, 0.1], "f1": 0.2,
           "mean_quote_chars": 160.0, "dataset": "d", "n_questions": 61}
    new = {**old, "hit@1": 0.72, "bm25/hit@1": 0.40, "false_abstain_rate": 0.0, "f1": 0.25, "mean_quote_chars": 170.0}
    c = make_comparison(old, new, "OLD")
    rows = {r["metric"]: r for r in c.rows}
    assert rows["hit@1"]["verdict"] == "within noise" and rows["hit@1"]["old_ci95"] == [0.6, 0.8]
    assert rows["false_abstain_rate"]["verdict"] == "within noise"  # 0.0 is the interval's edge: inside
    assert rows["bm25/hit@1"]["verdict"] == "worse"  # 0.40 lies outside [0.45, 0.55]
    assert rows["f1"]["verdict"] == "better" and rows["f1"]["old_ci95"] is None  # no interval: the tolerance
    assert rows["mean_quote_chars"]["verdict"] == "worse"  # longer quotes
    assert c.noise == ["hit@1", "false_abstain_rate"] and c.worse == ["bm25/hit@1", "mean_quote_chars"]
    assert c.to_json()["within_noise"] == c.noise
    text = format_comparison(c)
    assert "0.700 -> 0.720  (+0.02)  within noise" in text and "WORSE" in text
    assert "2 metrics worse, 1 better, 2 within noise, 0 unchanged" in text
    assert "a longer first quote counts as worse" in " ".join(text.split())
    assert "relative above 1, is none" not in text
    section = "\n\n".join(comparison_markdown(c))
    assert "| hit@1 | 0.700 | 0.720 | +0.02 | within noise |" in section
    assert "a longer first quote counts as worse" in section and "relative above 1" not in section


def test_comparison_warns_of_another_dataset_or_question_count():
    from retrieval.evaluation.report import comparison_warnings

    new = {"dataset": "eval/seed_qa.jsonl", "kind": "jsonl", "n_questions": 83}
    assert comparison_warnings(dict(new), new) == []
    assert any("different dataset" in w and "dev_qa" in w
               for w in comparison_warnings({**new, "dataset": "eval/dev_qa.jsonl"}, new))
    assert any("50 questions" in w and "83" in w for w in comparison_warnings({**new, "n_questions": 50}, new))
    # the same contents under another path is the same dataset; other contents under one path are not
    assert comparison_warnings({**new, "dataset": "/x/seed_qa.jsonl", "dataset_sha256": "ab"},
                               {**new, "dataset_sha256": "ab"}) == []
    assert comparison_warnings({**new, "dataset_sha256": "ab"}, {**new, "dataset_sha256": "cd"})
    assert any("does not name" in w for w in comparison_warnings({"hit@1": 0.5}, new))


def test_a_comparison_names_another_model_or_scorer_as_context():
    from retrieval.evaluation.report import format_comparison, make_comparison

    old = {"dataset": "d", "n_questions": 3, "model": "a", "scorer": "s", "hit@1": 0.5, "seconds": 1.0}
    c = make_comparison(old, {**old, "model": "b", "seconds": 9.0}, "OLD")
    assert c.notes == ["model a → b"] and c.warnings == [] and c.worse == []
    text = format_comparison(c)
    assert "seconds 1 -> 9, model a -> b" in text and "WORSE" not in text


def test_prediction_flips_by_id():
    from retrieval.evaluation.report import prediction_flips

    def row(qid, hit, abstained, answerable=True, method="pipeline"):
        return {"method": method, "id": qid, "first_hit": hit, "abstained": abstained, "answerable": answerable}

    old = [row("a", True, False), row("b", False, False), row("c", False, True, False), row("d", True, False),
           row("gone", True, False), row("a", False, False, method="bm25")]
    new = [row("a", False, False), row("b", True, True), row("c", False, False, False), row("d", True, False),
           row("new", False, False), row("a", True, False, method="bm25")]
    flips = prediction_flips(old, new)
    assert flips["hit_to_miss"] == ["a"] and flips["miss_to_hit"] == ["b"]
    assert flips["now_abstains"] == ["b"] and flips["now_answers"] == ["c"]
    assert (flips["n_matched"], flips["only_old"], flips["only_new"]) == (4, 1, 1)


def test_a_question_is_declined_under_the_threshold_or_outside_the_report_under_its_bar():
    import numpy as np

    from retrieval.evaluation.metrics import declined

    conf = np.array([0.2, 0.5, 0.5, 0.9])
    outside = np.array([False, False, True, True])
    assert declined(conf, outside, 0.3, 0.6).tolist() == [True, False, True, False]
    assert declined(conf, outside, 0.3, 0.3).tolist() == [True, False, False, False]


def _run_of(results, threshold: float, kind: str = "jsonl"):
    from retrieval.evaluation.datasets import EvalDataset, EvalGroup, EvalQuestion
    from retrieval.evaluation.runner import EvalRun

    questions = tuple(EvalQuestion(r.qid, r.qid, r.gold) for r in results)
    return EvalRun(dataset=EvalDataset(kind, "x.jsonl", (EvalGroup("x", questions),)), methods=("pipeline",),
                   k=3, threshold=threshold, scorer_note="", results={"pipeline": [list(results)]})


def test_the_risk_coverage_point_is_the_pipelines_own_decisions():
    """A question above the common threshold that was held to its own higher bar (a first quote outside
    the report) and abstained is not answered on the plot: the point is metrics' coverage and risk."""
    from dataclasses import replace

    from retrieval.evaluation.report import operating_points

    # q5 (unanswerable, 0.7) is above the common 0.45 but abstained under its own bar of 0.8
    cases = [replace(r, abstained=r.confidence < 0.45) for r in CASES]
    cases[4] = replace(cases[4], abstained=True, own_threshold=0.8)
    metrics = compute_metrics(cases)
    point = operating_points(_run_of(cases, 0.45))[0]
    assert (point["coverage"], point["risk"]) == pytest.approx((metrics["coverage"], metrics["risk"]))
    assert (point["coverage"], point["risk"]) == pytest.approx((2 / 5, 1 / 2))  # q1 right, q2 wrong
    # the calibrated point re-decides at its threshold, keeping q5's own bar: q1 and q2 answered at 0.5
    calibrated = operating_points(_run_of(cases, 0.45), 0.5)[1]
    assert (calibrated["coverage"], calibrated["risk"]) == pytest.approx((2 / 5, 1 / 2))
    assert operating_points(_run_of(cases, 0.45), 0.65)[1]["risk"] == 0.0  # q1 alone


def test_calibration_figures_keep_each_questions_own_bar():
    """`--calibrate` printed what `pick_threshold` finds from confidences alone: q5 (unanswerable, 0.7)
    counted as answered at 0.5, though its own bar of 0.8 declines it."""
    from dataclasses import replace

    from retrieval.evaluation.metrics import pick_threshold, rethreshold
    from retrieval.evaluation.report import summarise

    cases = [replace(r, abstained=r.confidence < 0.45) for r in CASES]
    cases[4] = replace(cases[4], abstained=True, own_threshold=0.8)
    choice = pick_threshold([r.confidence for r in cases], [r.answerable for r in cases],
                            [r.first_hit for r in cases], 0.0)  # answers all: 0.2
    metrics = summarise(_run_of(cases, 0.45), n_resamples=10, calibration=choice,
                        calibrated_results=[rethreshold(cases, choice.threshold)])
    decided = compute_metrics(rethreshold(cases, choice.threshold))
    assert metrics["calibration/abstain_recall"] == pytest.approx(decided["abstain_recall"])
    assert metrics["calibration/coverage"] == pytest.approx(decided["coverage"])
    assert metrics["calibration/coverage"] != pytest.approx(choice.coverage)  # q5 is not answered


def test_the_report_defines_coverage_risk_and_aurc_and_says_how_plots_average(tmp_path):
    from retrieval.evaluation.report import summarise, write_report

    run = _run_of(CASES, 0.45)
    metrics = summarise(run, n_resamples=10)
    text = write_report(tmp_path, run, metrics).read_text()
    definitions = text.split("## Definitions", 1)[1]
    for name in ("`coverage`", "`risk`", "`aurc`", "overlaps a gold span"):
        assert name in definitions, name
    assert "pooled" in text.split("## Plots", 1)[1].split("## Definitions")[0]
    assert f"coverage {metrics['coverage']:.3f}, risk {metrics['risk']:.3f}" in text


def test_baseline_histograms_are_labelled_as_raw_top_scores(tmp_path, monkeypatch):
    from dataclasses import replace

    from retrieval.evaluation import report

    run = _run_of(CASES, 0.45)
    run = replace(run, methods=("pipeline", "bm25", "dense"),
                  results={m: run.results["pipeline"] for m in ("pipeline", "bm25", "dense")})
    labels = {}
    save = report._save

    def spy(fig, path):
        labels[path.name] = [(ax.get_title(), ax.get_xlabel()) for ax in fig.axes]
        return save(fig, path)

    monkeypatch.setattr(report, "_save", spy)
    report.plot_all(tmp_path, run)
    pipeline, bm25, dense = labels["confidence_hist.png"]
    assert "confidence" in pipeline[0] and "pooled" in pipeline[0]
    for title, xlabel in (bm25, dense):
        assert "confidence" not in title and "raw top score" in title and "uncalibrated" in xlabel
    assert "BM25" in bm25[1] and "cosine" in dense[1]
    assert "pooled" in labels["risk_coverage.png"][0][0]


def test_comparison_warns_of_another_k_or_index():
    """An evaluator's review: `--k 2` or another index against a report made otherwise called metrics worse, with no
    word that the runs differ."""
    from retrieval.evaluation.report import comparison_warnings

    new = {"dataset": "eval/seed_qa.jsonl", "kind": "jsonl", "n_questions": 83, "k": 10, "known_questions": 823,
           "index_manifest_sha256": "ab", "index_dir": "index"}
    assert comparison_warnings(dict(new), new) == []
    assert any("ranked 2 quotes" in w for w in comparison_warnings({**new, "k": 2}, new))
    assert any("823 known questions, this run's 0" in w
               for w in comparison_warnings(new, {**new, "known_questions": 0, "index_manifest_sha256": "cd"}))
    assert any("another index" in w for w in comparison_warnings({**new, "index_manifest_sha256": "cd"}, new))
    assert comparison_warnings({**new, "kind": "squad", "index_manifest_sha256": "cd"}, {**new, "kind": "squad"}) == []


def test_answered_hit_at_1_counts_only_answered_questions():
    """An evaluator's review: hit@1 counts the closest quote of a declined question (q3 here, had it hit); what a
    reader is given is the answered questions' first quotes."""
    declined_hit = QuestionResult("q6", True, True, 0.1, (True,), (True,), "The cat sat.", ("cat sat",))
    metrics = compute_metrics([*CASES, declined_hit], k=3)
    assert metrics["hit@1"] == pytest.approx(2 / 4)  # q1 and q6
    assert metrics["answered_hit@1"] == pytest.approx(1 / 4)  # q1 alone: q6 was declined


def test_no_passage_cutoff_beyond_the_quotes_ranked():
    """`--k 2`: passage_hit@5 had been shown, really passage_hit@2 (an evaluator's review)."""
    metrics = compute_metrics(CASES, k=2)
    assert "passage_hit@5" not in metrics and "passage_hit@3" not in metrics
    assert metrics["passage_hit@2"] == pytest.approx(2 / 3) and metrics["passage_hit@1"] == pytest.approx(1 / 3)


def test_an_interval_across_articles_is_wider_when_the_articles_differ():
    """An evaluator's review: SQuAD's intervals resample questions within each article, so how much the articles
    differ (hit@1 from 0.73 to 0.93 on test) is left out; across articles, they are resampled too."""
    groups = [[1.0] * 50, [0.0] * 50, [1.0] * 25 + [0.0] * 25]
    within = bootstrap_ci(groups)
    across = bootstrap_ci(groups, across_groups=True)
    assert within[1] - within[0] < 0.1 and across[1] - across[0] > 0.5
    assert bootstrap_ci([[1.0, 0.0] * 10], across_groups=True) == bootstrap_ci([[1.0, 0.0] * 10], across_groups=True)
