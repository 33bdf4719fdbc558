"""Evaluation datasets: question files (JSONL) and SQuAD 2.0 JSON, told apart by their shape.

- JSONL: one `{"id", "question", "answers": [gold strings]}` per line (`answers: []` means the
  source does not answer it), asked against an index that is already built.
- SQuAD 2.0: `{"data": [{"title", "paragraphs": [{"context", "qas": [...]}]}]}`. Each article
  becomes one document (its paragraph contexts joined by a blank line) and gold spans are shifted
  to offsets in that joined text; `is_impossible` questions are unanswerable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import SourceError

PARAGRAPH_JOIN = "\n\n"
JSONL_EXAMPLE = '{"id": "q1", "question": "Who ...?", "answers": ["gold text"]}'
SQUAD_SHAPE = '{"data": [{"title": ..., "paragraphs": [{"context": ..., "qas": [...]}]}]}'


@dataclass(frozen=True)
class EvalQuestion:
    """One question with its gold answers (texts) and, for SQuAD, gold spans in the document.

    `plausible_spans`: for a SQuAD impossible question, where its plausible (wrong) answer sits;
    never an answer, but the sentence the question was written from (used to train the encoder)."""

    qid: str
    question: str
    answers: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    plausible_spans: tuple[tuple[int, int], ...] = ()

    @property
    def answerable(self) -> bool:
        return bool(self.answers or self.spans)


@dataclass(frozen=True)
class EvalGroup:
    """Questions asked of one index: a SQuAD article (with its text), or a whole JSONL file."""

    name: str
    questions: tuple[EvalQuestion, ...]
    text: str | None = None  # the joined article; None when the questions use an existing index


@dataclass(frozen=True)
class EvalDataset:
    kind: Literal["jsonl", "squad"]
    path: str
    groups: tuple[EvalGroup, ...] = field(default_factory=tuple)

    @property
    def n_questions(self) -> int:
        return sum(len(g.questions) for g in self.groups)

    def limited(self, limit: int | None) -> "EvalDataset":
        """The first `limit` questions in file order (groups left empty are dropped)."""
        if limit is None:
            return self
        groups, left = [], limit
        for group in self.groups:
            if left <= 0:
                break
            kept = group.questions[:left]
            left -= len(kept)
            if kept:
                groups.append(EvalGroup(group.name, kept, group.text))
        return EvalDataset(self.kind, self.path, tuple(groups))


def load_dataset(path: str | Path) -> EvalDataset:
    """Read a JSONL question file or a SQuAD 2.0 JSON file, whichever `path` holds.

    Example:
        >>> dataset = load_dataset("eval/seed_qa.jsonl")
        >>> dataset.kind, dataset.n_questions
        ('jsonl', 83)
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(
            f"dataset {path}: no such file; give a JSONL question file (one {JSONL_EXAMPLE} per line) "
            "or a SQuAD 2.0 JSON file."
        )
    if path.is_dir():
        raise SourceError(f"dataset {path} is a directory; name a .jsonl or SQuAD .json file in it.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"dataset {path} is not valid UTF-8 (byte {exc.start}); convert it to UTF-8.") from None
    if not text.strip():
        raise SourceError(f"dataset {path} is empty; add one {JSONL_EXAMPLE} per line.")
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict) and "data" in whole:
        return parse_squad(whole, str(path))
    if isinstance(whole, dict) and "question" not in whole:  # one JSON object, but neither SQuAD nor a question
        keys = ", ".join(f'"{k}"' for k in list(whole)[:6]) or "no keys"
        raise SourceError(
            f"dataset {path} is a JSON object ({keys}) but not a SQuAD 2.0 file: it has no \"data\" list of "
            f"articles. Give a SQuAD 2.0 JSON file ({SQUAD_SHAPE}) or a JSONL question file (one "
            f"{JSONL_EXAMPLE} per line)."
        )
    if isinstance(whole, list):
        raise SourceError(
            f"dataset {path} is a JSON array; write one question object per line (JSONL), e.g. {JSONL_EXAMPLE}."
        )
    return parse_jsonl(text, str(path))


def parse_jsonl(text: str, path: str = "<memory>") -> EvalDataset:
    """Questions from JSONL text; blank lines are skipped."""
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise SourceError(
                f"{where} is not valid JSON ({exc.msg}); each line must be one object like {JSONL_EXAMPLE}."
            ) from None
        if not isinstance(record, dict):
            raise SourceError(f"{where} is a JSON {type(record).__name__}, expected an object like {JSONL_EXAMPLE}.")
        question = record.get("question")
        if not isinstance(question, str) or not question.strip():
            raise SourceError(f"{where} has no \"question\" text; add one, e.g. {JSONL_EXAMPLE}.")
        answers = record.get("answers")
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            # "answer" for "answers" (a developer's review: "found None" did not say which key was wrong)
            typo = next((f' (it has "{key}": did you mean "answers"?)' for key in record
                         if key != "answers" and key.lower().startswith("answer")), "") if answers is None else ""
            raise SourceError(
                f"{where} needs \"answers\": a list of gold strings ([] when the source does not answer); "
                f"found {answers!r}{typo}."
            )
        if any(not a.strip() for a in answers):
            raise SourceError(f"{where} has an empty gold answer; remove it (use [] for unanswerable).")
        qid = str(record.get("id") or f"line{number}")
        if qid in seen:
            raise SourceError(f"{where} repeats id {qid!r}; give every question its own id.")
        seen.add(qid)
        questions.append(EvalQuestion(qid=qid, question=question, answers=tuple(answers)))
    if not questions:
        raise SourceError(f"dataset {path} holds no questions; add one {JSONL_EXAMPLE} per line.")
    return EvalDataset("jsonl", path, (EvalGroup(Path(path).stem, tuple(questions)),))


def parse_squad(raw: dict, path: str = "<memory>") -> EvalDataset:
    """Articles from parsed SQuAD 2.0 JSON, gold spans shifted into each article's joined text."""
    articles = raw.get("data")
    if not isinstance(articles, list) or not articles:
        raise SourceError(f"{path}: \"data\" must be a non-empty list of SQuAD articles, as in {SQUAD_SHAPE}.")
    groups = []
    for a_number, article in enumerate(articles):
        try:
            groups.append(_squad_article(article, a_number))
        except (KeyError, TypeError, AttributeError) as exc:
            raise SourceError(
                f"{path}: article {a_number} does not have the SQuAD 2.0 shape (missing or wrong "
                f"{exc}); expected data[].paragraphs[].context and .qas[].question/answers."
            ) from None
        except ValueError as exc:
            raise SourceError(f"{path}: {exc}") from None
    return EvalDataset("squad", path, tuple(groups))


def _squad_article(article: dict, a_number: int) -> EvalGroup:
    title = str(article.get("title") or f"article-{a_number}")
    contexts, questions, offset = [], [], 0
    for paragraph in article["paragraphs"]:
        context = paragraph["context"]
        if not isinstance(context, str):
            raise TypeError("context")
        for qa in paragraph["qas"]:
            impossible = bool(qa.get("is_impossible", False))
            golds = [] if impossible else qa.get("answers", [])
            where = f"question {qa.get('id') or len(questions)} of \"{title}\""
            if isinstance(golds, dict):  # Hugging Face's columns: {"text": [...], "answer_start": [...]}
                raise ValueError(f"{where} has \"answers\" as columns ({{\"text\": [...], \"answer_start\": "
                                 "[...]}); SQuAD 2.0 JSON has a list of {\"text\", \"answer_start\"} objects: "
                                 "convert with [dict(text=t, answer_start=s) for t, s in zip(a[\"text\"], "
                                 "a[\"answer_start\"])]")
            if not impossible and not golds:  # an evaluator's review: counted as unanswerable without a word
                raise ValueError(f"{where} is not impossible (\"is_impossible\": false) but has no answers; "
                                 "give its answers, or mark it \"is_impossible\": true")
            plausible = qa.get("plausible_answers", []) if impossible else []
            spans = [_squad_span(context, gold, offset, qa.get("id"), title) for gold in golds]
            questions.append(EvalQuestion(
                qid=str(qa.get("id") or f"{title}-{len(questions)}"), question=qa["question"],
                answers=tuple(dict.fromkeys(g["text"] for g in golds)), spans=tuple(dict.fromkeys(spans)),
                plausible_spans=tuple(dict.fromkeys(
                    _squad_span(context, p, offset, qa.get("id"), title) for p in plausible)),
            ))
        contexts.append(context)
        offset += len(context) + len(PARAGRAPH_JOIN)
    return EvalGroup(title, tuple(questions), PARAGRAPH_JOIN.join(contexts))


def _squad_span(context: str, gold: dict, offset: int, qid, title: str) -> tuple[int, int]:
    """A SQuAD answer's span in the joined article, checked against its paragraph."""
    start, text = int(gold["answer_start"]), gold["text"]
    if context[start:start + len(text)] != text:
        raise ValueError(
            f"question {qid!r} in {title!r}: answer {text!r} is not at answer_start {start} of its "
            "context; fix the span."
        )
    return offset + start, offset + start + len(text)
