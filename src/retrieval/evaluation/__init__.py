"""Built-in evaluation: datasets, pure metrics, a runner over the library, reports.

Example:
    >>> from retrieval.evaluation import load_dataset, evaluate, summarise
    >>> run = evaluate(load_dataset("eval/seed_qa.jsonl"), methods=["pipeline", "bm25", "dense"])
    >>> summarise(run)["hit@1"]
"""

from .datasets import EvalDataset, EvalGroup, EvalQuestion, load_dataset
from .metrics import QuestionResult, ThresholdChoice, compute_metrics, pick_threshold
from .report import compare, summarise, write_report
from .runner import EvalRun, evaluate

__all__ = [
    "EvalDataset", "EvalGroup", "EvalQuestion", "EvalRun", "QuestionResult", "ThresholdChoice",
    "compare", "compute_metrics", "evaluate", "load_dataset", "pick_threshold", "summarise",
    "write_report",
]
