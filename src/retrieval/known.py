"""Known questions: questions asked of the sources before, each with its answer as the source words it.

Given at index time (`index … --known-questions FILE`), they teach the ranker where a question worded
away from the text points: a new question close in meaning to a known one lends the sentences that
answer the known one its support (`support`), a ranking feature (`extract.SENTENCE_FEATURES`,
"known_question"). Two questions are far easier to match than a question and its answer: "What does
the expert call the situation?" lies near "How did the think tank's expert sum up the situation?",
nearer than either lies to "It is a real disaster …".

Unanswerable known questions (no answers) lend no sentence anything, but they vote with the answerable
ones on whether the source answers (`vote`): a new question nearer a known unanswerable one than any
answerable one is less likely answered, on a news page (the vote's weight was chosen on one). The
answerability model's logit moves by `Scorer.known_vote_weight` times the vote.

A file of known questions is JSON Lines, one object per line with "question" and "answers" (texts
that occur word for word in a source; `[]` or none: the sources do not answer it), as
`eval/news_train.jsonl`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from .errors import SourceError
from .quotes import normalize_text

# A known question lends support only when at least this similar (cosine) to the new one; support then
# rises linearly to 1 at a known question asked again. Chosen on dev with the ranker's weight (eval/RESULTS.md,
# twentieth session): floors 0.4 / 0.5 / 0.6 at weight 16 gave dev hit@1 0.899 / 0.908 / 0.899.
KNOWN_FLOOR = 0.5
# The vote's softmax temperature over the known questions' similarities; chosen on dev with the vote's
# weight (eval/train_scorer.py, KNOWN_VOTE_WEIGHT), before each vote was scaled by its support: 0.02 / 0.05
# / 0.1 gave dev AUROC at most 0.975 / 0.978 / 0.970.
VOTE_TEMPERATURE = 0.05
QUESTIONS_FILE = "known_questions.jsonl"
VECTORS_FILE = "known_vectors.npy"

log = logging.getLogger(__name__)


class KnownQuestion(BaseModel):
    """One known question and the sentences (document, start, end) that hold one of its answers."""

    question: str
    answers: list[str] = Field(default_factory=list)
    sentences: list[tuple[str, int, int]] = Field(default_factory=list)
    where: str = Field(default="", description="file and line it was read from")


_KEYS = {"question", "answers", "id"}


def _parse_line(line: str, where: str) -> KnownQuestion:
    """One line of a known-questions file, or `SourceError` saying what is wrong with it."""
    fix = ('write one JSON object per line: {"question": "...", "answers": ["text from the source", ...]} '
           '("answers": [] when the sources do not answer it)')
    try:
        row = json.loads(line)
    except ValueError:
        raise SourceError(f"{where}: not JSON; {fix}.") from None
    if not isinstance(row, dict):
        raise SourceError(f"{where}: a JSON {type(row).__name__}, not an object; {fix}.")
    unknown = sorted(set(row) - _KEYS)
    if unknown:
        hint = ' (did you mean "answers"?)' if "answer" in unknown else ""
        raise SourceError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} "
                          f"{', '.join(repr(k) for k in unknown)}{hint}; {fix}.")
    question, answers = row.get("question"), row.get("answers", [])
    if not isinstance(question, str) or not question.strip():
        raise SourceError(f"{where}: no question (\"question\" must be non-empty text); {fix}.")
    answers = [] if answers is None else answers
    if isinstance(answers, str):
        raise SourceError(f'{where}: "answers" is text, not a list; write ["{answers[:40]}"].')
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        raise SourceError(f'{where}: "answers" must be a list of non-empty texts; {fix}.')
    return KnownQuestion(question=question.strip(), answers=answers, where=where)


def read_known_questions(paths: Sequence[str | Path] | str | Path) -> list[KnownQuestion]:
    """The questions of JSON Lines files, in order; `SourceError` names the file and line of one that is
    not `{"question": "...", "answers": ["..."]}`. Logs a warning for a file with no question and for a
    question given twice."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[KnownQuestion] = []
    for path in map(Path, paths):
        if not path.is_file():
            raise SourceError(f"no known-questions file at {path}; name a JSON Lines file of "
                              '{"question": ..., "answers": [...]} objects.')
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
        read = [_parse_line(line, f"{path}, line {number}")
                for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if not read:
            log.warning("%s holds no known question", path)
        out += read
    seen: dict[str, KnownQuestion] = {}
    for q in out:
        key = " ".join(normalize_text(q.question).split())
        if key in seen:
            # two askers' same question, both answered or both not, only counts twice: said, not warned of (the
            # README's example had printed three warnings about eval/news_train.jsonl; a developer's review)
            same = bool(seen[key].answers) == bool(q.answers)
            log.log(logging.INFO if same else logging.WARNING, "%s repeats the question of %s%s", q.where,
                    seen[key].where, "" if same else ", one with answers and one without: they vote against each other")
        else:
            seen[key] = q
    return out


def files_digest(paths: Sequence[str | Path]) -> str:
    """sha256 over the files' bytes, in order: an index of other known questions is not current."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _padded(text: str) -> str:
    """`text` normalised (case, punctuation and articles aside) between spaces, for whole-word search."""
    return f" {normalize_text(text)} "


def holds_answer(sentence: str, answer: str) -> bool:
    """Whether `answer` occurs in `sentence` as whole words, case, punctuation and articles aside."""
    needle = normalize_text(answer)
    return bool(needle) and f" {needle} " in _padded(sentence)


def locate(questions: Iterable[KnownQuestion], sentences: Sequence[tuple[str, int, int]],
           texts: Sequence[str]) -> list[KnownQuestion]:
    """Each question with the sentences (keys in `sentences`, texts in `texts`) that hold one of its
    answers (`holds_answer`, with each text normalised once)."""
    padded = [_padded(t) for t in texts]
    out = []
    for q in questions:
        needles = [f" {n} " for n in map(normalize_text, q.answers) if n]
        found = [key for key, text in zip(sentences, padded) if any(n in text for n in needles)]
        out.append(q.model_copy(update={"sentences": found}))
    return out


def support_from_similarity(similarity: np.ndarray, floor: float = KNOWN_FLOOR) -> np.ndarray:
    """0 below `floor`, rising linearly to 1 at a similarity of 1."""
    return np.clip((np.asarray(similarity, dtype=np.float64) - floor) / (1.0 - floor), 0.0, 1.0)


def vote_weights(similarity: np.ndarray, temperature: float = VOTE_TEMPERATURE) -> np.ndarray:
    """A softmax of the similarities at `temperature`: weights summing to 1, a question 0.05 less similar
    weighing e⁻¹ as much at the default."""
    scaled = (np.asarray(similarity, dtype=np.float64) - np.max(similarity)) / temperature
    weights = np.exp(scaled)
    return weights / weights.sum()


class KnownQuestions:
    """The known questions of an index, their vectors, and the sentence rows each one's answers lie in."""

    def __init__(self, questions: list[KnownQuestion], vectors: np.ndarray, sentence_row: dict):
        self.questions = questions
        norms = np.linalg.norm(vectors, axis=1, keepdims=True) if len(vectors) else np.ones((0, 1))
        self.vectors = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        self.rows = [np.array([sentence_row[k] for k in map(tuple, q.sentences) if k in sentence_row],
                              dtype=np.int64) for q in questions]

        self.answerable = np.array([bool(q.answers) for q in questions], dtype=bool)

    def __len__(self) -> int:
        return len(self.questions)

    def vote(self, query_vector: np.ndarray) -> float:
        """The known questions' vote on whether the source answers, in [-1, 1]: each answerable one +1, each
        unanswerable one -1, times its support (0 below `KNOWN_FLOOR`: a question far from every known one
        gets no vote), weighted by `vote_weights` of their similarities, so the closest few decide; 0
        without both kinds (no evidence either way)."""
        if self.answerable.all() or not self.answerable.any():
            return 0.0
        similarity = self.vectors @ (query_vector / (float(np.linalg.norm(query_vector)) or 1.0))
        labels = np.where(self.answerable, 1.0, -1.0) * support_from_similarity(similarity)
        return float(vote_weights(similarity) @ labels)

    def support(self, query_vector: np.ndarray, n_sentences: int) -> np.ndarray:
        """Per sentence row: the support of the most similar known question it answers (0 for none)."""
        out = np.zeros(n_sentences)
        if not len(self.questions):
            return out
        norm = float(np.linalg.norm(query_vector)) or 1.0
        lent = support_from_similarity(self.vectors @ (query_vector / norm))
        for value, rows in zip(lent, self.rows):
            if value > 0 and len(rows):
                out[rows] = np.maximum(out[rows], value)
        return out

    def nearest(self, query_vector: np.ndarray, answerable: bool) -> str | None:
        """The known question, answerable or not as asked, most similar to the query; None without one."""
        mask = self.answerable if answerable else ~self.answerable
        if not mask.any():
            return None
        similarity = self.vectors[mask] @ (query_vector / (float(np.linalg.norm(query_vector)) or 1.0))
        return [q for q, m in zip(self.questions, mask) if m][int(np.argmax(similarity))].question

    def save(self, folder: Path) -> None:
        with (folder / QUESTIONS_FILE).open("w", encoding="utf-8") as fh:
            for q in self.questions:
                fh.write(q.model_dump_json() + "\n")
        np.save(folder / VECTORS_FILE, self.vectors, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, sentence_row: dict) -> "KnownQuestions | None":
        """The known questions stored in an index's data folder, or None when it has none."""
        if not (folder / QUESTIONS_FILE).is_file():
            return None
        with (folder / QUESTIONS_FILE).open(encoding="utf-8") as fh:
            questions = [KnownQuestion.model_validate_json(line) for line in fh if line.strip()]
        vectors = np.load(folder / VECTORS_FILE, allow_pickle=False)
        if len(vectors) != len(questions):
            raise ValueError(f"{len(vectors)} vectors for {len(questions)} known questions")
        return cls(questions, vectors, sentence_row)
