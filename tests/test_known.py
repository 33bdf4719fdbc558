"""Known questions (`retrieval.known`): reading, locating answers, support, and an index built with them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval import Assistant, IndexStaleError, Retriever, SourceError, build_index
from retrieval.known import (
    KNOWN_FLOOR, KnownQuestion, KnownQuestions, holds_answer, locate, read_known_questions,
    support_from_similarity, vote_weights,
)
from retrieval.store import MANIFEST, is_current, read_manifest

from conftest import ARTICLE


def _write(path: Path, rows: list[dict | str]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_reads_questions_and_answers_skipping_blank_lines(tmp_path: Path):
    path = _write(tmp_path / "k.jsonl", [{"question": "How long do cats sleep?", "answers": ["sixteen hours"]},
                                         "", {"question": "Do cats fly?", "answers": []}, {"question": "Why?"}])
    asked = read_known_questions([path])
    assert [(q.question, q.answers) for q in asked] == [
        ("How long do cats sleep?", ["sixteen hours"]), ("Do cats fly?", []), ("Why?", [])]


@pytest.mark.parametrize("line, said", [
    ('{"answers": ["x"]}', 'no question ("question" must be non-empty text)'),
    ("not json", "not JSON"),
    ('{"question": "", "answers": []}', 'no question ("question" must be non-empty text)'),
    ('{"question": "Q?", "answers": "not a list"}', '"answers" is text, not a list; write ["not a list"]'),
    ('{"question": "Q?", "answers": ["fine", ""]}', '"answers" must be a list of non-empty texts'),
    ('{"question": "Q?", "answer": ["x"]}', "unknown key 'answer' (did you mean \"answers\"?)"),
    ('["Q?", ["x"]]', "a JSON list, not an object"),
])
def test_a_bad_line_is_named_with_its_file_and_number_and_what_is_wrong(tmp_path: Path, line: str, said: str):
    path = _write(tmp_path / "k.jsonl", [{"question": "Fine?", "answers": []}, line])
    with pytest.raises(SourceError) as raised:
        read_known_questions([path])
    assert str(raised.value).startswith(f"{path}, line 2: {said}")


def test_null_answers_a_byte_order_mark_and_a_single_path_are_read(tmp_path: Path):
    path = tmp_path / "k.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"question": "Do cats fly?", "answers": null, "id": "k1"}\n')
    (asked,) = read_known_questions(path)
    assert (asked.question, asked.answers, asked.where) == ("Do cats fly?", [], f"{path}, line 1")


def test_a_file_that_is_not_utf8_is_one_error(tmp_path: Path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"question": "Où?", "answers": []}\n'.encode("latin-1"))
    with pytest.raises(SourceError, match="latin1.jsonl is not UTF-8 text .*save it as UTF-8"):
        read_known_questions([path])


def test_repeated_conflicting_and_empty_files_are_warned_of(tmp_path: Path, caplog):
    path = _write(tmp_path / "k.jsonl", [{"question": "Do cats fly?", "answers": []},
                                         {"question": "do cats fly", "answers": ["sleep"]}])
    empty = _write(tmp_path / "empty.jsonl", [""])
    with caplog.at_level("WARNING", logger="retrieval.known"):
        assert len(read_known_questions([path, empty])) == 2
    assert f"{path}, line 2 repeats the question of {path}, line 1, one with answers and one without" in caplog.text
    assert f"{empty} holds no known question" in caplog.text


def test_a_question_repeated_with_the_same_kind_of_answer_is_no_warning(tmp_path: Path, caplog):
    """Two askers' same question, both answered: the README's example had printed three warnings."""
    path = _write(tmp_path / "k.jsonl", [{"question": "Do cats sleep?", "answers": ["sleep"]},
                                         {"question": "do cats sleep", "answers": ["sixteen hours"]}])
    with caplog.at_level("INFO", logger="retrieval.known"):
        assert len(read_known_questions([path])) == 2
    assert [r.levelname for r in caplog.records if "repeats the question" in r.message] == ["INFO"]


def test_a_missing_file_says_what_to_give(tmp_path: Path):
    with pytest.raises(SourceError, match="no known-questions file at .*JSON Lines"):
        read_known_questions([tmp_path / "nowhere.jsonl"])


def test_answers_are_matched_as_whole_words_case_and_punctuation_aside():
    assert holds_answer("The first steam railway opened in 1825.", "STEAM railway")
    assert holds_answer("“It is a real disaster, it's getting out of control,” she says.", "a real disaster")
    assert not holds_answer("It opened in 1825.", "18")
    assert not holds_answer("Anything at all.", "  ")


def test_locate_gives_each_question_the_sentences_that_hold_an_answer():
    keys = [("d", 0, 10), ("d", 11, 30), ("e", 0, 12)]
    texts = ["Cats sleep a lot.", "They hunt at dawn and dusk.", "Cats hunt mice."]
    asked = [KnownQuestion(question="When do they hunt?", answers=["at dawn"]),
             KnownQuestion(question="What do cats do?", answers=["hunt", "sleep"]),
             KnownQuestion(question="Unanswered?", answers=["the moon"])]
    located = locate(asked, keys, texts)
    assert [q.sentences for q in located] == [[("d", 11, 30)], [("d", 0, 10), ("d", 11, 30), ("e", 0, 12)], []]


def test_support_is_zero_below_the_floor_and_rises_to_one():
    values = support_from_similarity(np.array([0.0, KNOWN_FLOOR, (1 + KNOWN_FLOOR) / 2, 1.0, 1.2]))
    assert values.tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0])


def test_vote_weights_are_a_softmax_of_the_similarities():
    weights = vote_weights(np.array([0.9, 0.85, 0.2]))
    assert weights.sum() == pytest.approx(1.0)
    assert weights[1] / weights[0] == pytest.approx(np.exp(-1.0))  # 0.05 less similar at the temperature 0.05
    assert weights[2] < 1e-5


def test_the_vote_weighs_answerable_known_questions_against_unanswerable_ones():
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    asked = [KnownQuestion(question="a", answers=["x"]), KnownQuestion(question="b", answers=["y"]),
             KnownQuestion(question="c")]
    known = KnownQuestions(asked, vectors, {})
    assert known.vote(np.array([3.0, 0.0])) == pytest.approx(1.0, abs=1e-3)  # a alone is near
    similarity = np.array([0.0, 0.8, 1.0])
    expected = vote_weights(similarity) @ (np.array([1.0, 1.0, -1.0]) * support_from_similarity(similarity))
    down = known.vote(np.array([0.0, 1.0]))
    assert down == pytest.approx(expected) and -1.0 < down < 0.0  # c nearest, b not far behind
    far = np.array([-1.0, -0.2])  # within a cosine of 0.5 of none: no vote either way
    assert max(known.vectors @ far) < KNOWN_FLOOR and known.vote(far) == pytest.approx(0.0)
    assert KnownQuestions(asked[:2], vectors[:2], {}).vote(np.array([0.0, 1.0])) == 0.0  # no unanswerable one
    assert KnownQuestions(asked[2:], vectors[2:], {}).vote(np.array([0.0, 1.0])) == 0.0  # no answerable one


def test_the_vote_moves_the_answerability_logit_by_the_scorers_weight():
    from retrieval.extract import Candidates, default_scorer, sigmoid

    shipped = default_scorer()
    features = np.zeros((1, len(shipped.sentence.features)))
    plain = Candidates(np.zeros(1, np.int64), np.zeros(1, np.int64), features)
    voted = Candidates(np.zeros(1, np.int64), np.zeros(1, np.int64), features, known_vote=0.25)
    base = shipped.answerability(plain)
    logit = np.log(base / (1 - base))
    assert shipped.known_vote_weight > 0
    assert shipped.answerability(voted) == pytest.approx(sigmoid(logit + 0.25 * shipped.known_vote_weight))
    off = shipped.model_copy(update={"known_vote_weight": 0.0})
    assert off.answerability(voted) == pytest.approx(base)
    # plain text is judged by tune's model and threshold alone: the vote's weight was chosen on news pages
    assert shipped.answerability(voted, plain=True) == pytest.approx(shipped.answerability(plain, plain=True))


def test_each_sentence_takes_the_support_of_its_closest_known_question():
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    asked = [KnownQuestion(question="a", sentences=[("d", 0, 1)]),
             KnownQuestion(question="b", sentences=[("d", 0, 1), ("d", 2, 3)]),
             KnownQuestion(question="c", sentences=[("d", 4, 5)])]
    known = KnownQuestions(asked, vectors, {("d", 0, 1): 0, ("d", 2, 3): 1, ("d", 4, 5): 2})
    support = known.support(np.array([2.0, 0.0]), 4)  # cosine 1 with a, 0.8 with b, 0 with c
    assert support.tolist() == pytest.approx([1.0, support_from_similarity(np.array([0.8]))[0], 0.0, 0.0])


@pytest.fixture
def known_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "known.jsonl", [
        {"question": "How long do cats sleep?", "answers": ["sixteen hours a day"]},
        {"question": "When did the first railway open?", "answers": ["1825"]},
        {"question": "What colour are zebras?", "answers": ["black and white"]},  # no source holds it
        {"question": "Do cats fly?", "answers": []},
    ])


def test_an_index_keeps_its_known_questions_and_checks_them_for_currency(
        tiny_corpus: Path, tmp_path: Path, fake_embedder, known_file: Path, caplog):
    index_dir = tmp_path / "index"
    with caplog.at_level("WARNING", logger="retrieval.store"):
        manifest = build_index([tiny_corpus], index_dir, embedder=fake_embedder, known_questions=known_file)
    assert (f"1 known question skipped: no source sentence holds its answers word for word (an answer must lie "
            f"within one sentence): {known_file}, line 3: 'What colour are zebras?'") in caplog.text
    assert manifest.known_count == 3 and manifest.known_questions == [str(known_file)]
    assert {"known_questions.jsonl", "known_vectors.npy"} <= set(manifest.files)
    retriever = Retriever.load(index_dir, embedder=fake_embedder)
    assert [q.question for q in retriever.known.questions] == [
        "How long do cats sleep?", "When did the first railway open?", "Do cats fly?"]
    assert retriever.known.answerable.tolist() == [True, True, False]
    sleep = [retriever.sentence_row[k] for k in map(tuple, retriever.known.questions[0].sentences)]
    assert retriever.known.support(retriever.encode(["How long do cats sleep?"])[0],
                                   len(retriever.sentences))[sleep] == pytest.approx([1.0])

    assert is_current(index_dir, [tiny_corpus], "fake-64", known_questions=[known_file])
    assert not is_current(index_dir, [tiny_corpus], "fake-64")  # built with them, asked without
    _write(known_file, [{"question": "How long do cats sleep?", "answers": ["sixteen hours"]}])
    assert not is_current(index_dir, [tiny_corpus], "fake-64", known_questions=[known_file])
    assert not is_current(index_dir, [tiny_corpus], "fake-64", known_questions=[tmp_path / "gone.jsonl"])
    renamed = known_file.rename(tmp_path / "renamed.jsonl")  # the same bytes under another name: not current
    assert not is_current(index_dir, [tiny_corpus], "fake-64", known_questions=[renamed])


def test_an_index_without_known_questions_has_none(tiny_index: Path, fake_embedder):
    assert Retriever.load(tiny_index, embedder=fake_embedder).known is None
    assert read_manifest(tiny_index).known_count == 0


def test_the_rebuild_hint_names_the_known_questions(tiny_corpus: Path, tmp_path: Path, fake_embedder,
                                                    known_file: Path):
    index_dir = tmp_path / "index"
    build_index([tiny_corpus], index_dir, embedder=fake_embedder, known_questions=[known_file])
    with pytest.raises(IndexStaleError, match=f"--known-questions {known_file}"):
        Retriever.load(index_dir, embedder=type(fake_embedder)(32))


def test_damaged_known_questions_say_how_to_rebuild_with_them(tiny_corpus: Path, tmp_path: Path, fake_embedder,
                                                             known_file: Path):
    from retrieval import IndexCorruptError

    index_dir = tmp_path / "index"
    build_index([tiny_corpus], index_dir, embedder=fake_embedder, known_questions=[known_file])
    manifest = json.loads((index_dir / MANIFEST).read_text())
    data = index_dir / manifest["data_dir"]
    (data / "known_vectors.npy").write_bytes(b"broken")
    with pytest.raises(IndexCorruptError, match=f"python -m retrieval index .* --known-questions {known_file}`"):
        Retriever.load(index_dir, embedder=fake_embedder)


def test_a_bad_known_questions_file_fails_before_any_encoding(tiny_corpus: Path, tmp_path: Path):
    class Refuses:
        name, dimension = "refuses", 8

        def encode(self, *args, **kwargs):
            raise AssertionError("encoded before the known questions were read")

    bad = _write(tmp_path / "bad.jsonl", ["{not json"])
    with pytest.raises(SourceError, match="bad.jsonl, line 1"):
        build_index([tiny_corpus], tmp_path / "index", embedder=Refuses(), known_questions=[bad])
    assert not (tmp_path / "index" / MANIFEST).exists()


def test_a_known_question_close_to_a_new_one_ranks_its_answer_first(tmp_path: Path, article_index: Path):
    """The article's "Where are the gay men being evacuated to?" ranks the evacuation's opening sentence
    above the one that names Moscow; a known question about where the network takes them lifts Moscow."""
    question = "Where are the gay men being evacuated to?"
    plain = Assistant.load(article_index).ask(question)
    assert "Moscow" not in plain.citations[0].quote
    known = _write(tmp_path / "known.jsonl", [
        {"question": "Where is the network taking the gay men it evacuates?", "answers": ["Moscow"]}])
    index_dir = tmp_path / "index"
    build_index([ARTICLE], index_dir, known_questions=[known])
    answer = Assistant.load(index_dir).ask(question)
    assert answer.citations[0].quote.startswith("The Russia LGBT Network has been evacuating gay men to Moscow")
    assert answer.citations[0].paragraph == 30
    assert answer.confidence == pytest.approx(plain.confidence)  # no unanswerable known question: no vote


def test_the_projects_index_is_built_with_its_known_questions_when_missing(tmp_path: Path, monkeypatch):
    import shutil

    from conftest import ROOT

    (tmp_path / "data").mkdir()
    (tmp_path / "eval").mkdir()
    shutil.copy(ARTICLE, tmp_path / "data" / ARTICLE.name)
    for name in ("news_train.jsonl", "news_known.jsonl"):
        shutil.copy(ROOT / "eval" / name, tmp_path / "eval")
    monkeypatch.chdir(tmp_path)
    assistant = Assistant.load()
    assert read_manifest(Path("index")).known_questions == ["eval/news_train.jsonl", "eval/news_known.jsonl"]
    known = assistant.retriever.known
    assert (len(known), int(known.answerable.sum())) == (823, 538)  # every answer of the files is in the article


def test_the_index_command_takes_known_questions_and_counts_them(tiny_corpus: Path, tmp_path: Path,
                                                                known_file: Path, capsys):
    from retrieval.cli import main

    index_dir = tmp_path / "index"
    args = ["index", str(tiny_corpus), "--index-dir", str(index_dir), "--model", "fake-64",
            "--known-questions", str(known_file)]
    assert main(args) == 0
    assert "5 passages, 7 sentences, 3 known questions into" in capsys.readouterr().out
    assert main([*args, "--if-stale"]) == 0
    assert "is up to date" in capsys.readouterr().err
    # the flag takes one file, so it may come before the documents, and again for another file
    first = ["index", "--known-questions", str(known_file), "--known-questions", str(known_file), str(tiny_corpus),
             "--index-dir", str(tmp_path / "other"), "--model", "fake-64"]
    assert main(first) == 0 and read_manifest(tmp_path / "other").known_questions == [str(known_file)] * 2
    assert main([*args[:-2], "--if-stale"]) == 0  # without them the index is not current: built again
    assert "0 known questions" not in capsys.readouterr().out and read_manifest(index_dir).known_count == 0


def test_known_questions_vote_a_question_near_an_unanswerable_one_down(tmp_path: Path, article_index: Path):
    """The article gives the requests for help ("around 50"), not how many came from women: with both
    known, a question about women is judged less likely answered, one about the requests more likely."""
    known = _write(tmp_path / "known.jsonl", [
        {"question": "How many of the requests for help came from women?", "answers": []},
        {"question": "How many requests for help has the network received?", "answers": ["around 50"]}])
    index_dir = tmp_path / "index"
    build_index([ARTICLE], index_dir, known_questions=[known])
    plain, voted = Assistant.load(article_index), Assistant.load(index_dir)
    women, people = "How many women have asked the network for help?", "How many people asked the network for help?"
    assert voted.retriever.known.vote(voted.retriever.encode([women])[0]) < 0
    assert voted.ask(women).confidence < plain.ask(women).confidence
    assert voted.ask(people).confidence > plain.ask(people).confidence


def test_a_decline_by_the_vote_does_not_quote_the_known_question(tmp_path: Path):
    """A journalist's review: the reason quoted "Why did the International Crisis Group confirm the existence of
    mass concentration camps?", a false premise (it calls the camps exaggerations), as if the source's."""
    premise = "Why did the International Crisis Group confirm the existence of mass concentration camps?"
    known = _write(tmp_path / "known.jsonl", [
        {"question": premise, "answers": []},
        {"question": "How many requests for help has the network received?", "answers": ["around 50"]}])
    build_index([ARTICLE], tmp_path / "index", known_questions=[known])
    answer = Assistant.load(tmp_path / "index").ask("Did the ICG confirm the concentration camps?")
    assert answer.abstained
    assert answer.reason.endswith(
        "; questions much like it were checked against this source and found unanswered")
    assert "confirm the existence" not in answer.reason


def test_eval_names_the_questions_it_asks_that_are_known(tiny_corpus: Path, tmp_path: Path, fake_embedder,
                                                        known_file: Path, capsys):
    from retrieval.evaluation.datasets import EvalQuestion
    from retrieval.evaluation.runner import warn_known

    index_dir = tmp_path / "index"
    build_index([tiny_corpus], index_dir, embedder=fake_embedder, known_questions=[known_file])
    retriever = Retriever.load(index_dir, embedder=fake_embedder)
    asked = [EvalQuestion(qid="q1", question="how long do cats sleep"),  # case and punctuation aside
             EvalQuestion(qid="q2", question="Why do cats purr?"),
             EvalQuestion(qid="q3", question="Do  cats fly?")]
    warn_known(asked, retriever, index_dir)
    err = capsys.readouterr().err
    assert err.startswith("WARNING: 2 of the 3 questions (q1, q3) are among the known questions")
    warn_known(asked[1:2], retriever, index_dir)
    assert capsys.readouterr().err == ""


def test_a_model_mismatch_hint_is_one_command_with_the_model_inside(tiny_corpus: Path, tmp_path: Path, fake_embedder,
                                                                    known_file: Path):
    index_dir = tmp_path / "index"
    build_index([tiny_corpus], index_dir, embedder=fake_embedder, known_questions=[known_file])
    with pytest.raises(IndexStaleError) as raised:
        Retriever.load(index_dir, embedder=type(fake_embedder)(32))
    assert str(raised.value).endswith(f"--known-questions {known_file} --model fake-32`.")


def test_a_follow_up_with_a_pronoun_takes_no_vote(tmp_path: Path, article_index: Path):
    """Who "he" is decides what was asked: the known questions nearest "What did he write on Instagram?"
    in meaning are no evidence, for the vote or the ranking, so it is answered with the pronoun note and
    the quotes it gets without known questions."""
    known = _write(tmp_path / "known.jsonl", [
        {"question": "What did he write in his post?", "answers": []},
        {"question": "What did they write on Instagram?", "answers": []},
        {"question": "What did he write on Instagram?", "answers": ["are being hysterical"]}])  # of another "he"
    index_dir = tmp_path / "index"
    build_index([ARTICLE], index_dir, known_questions=[known])
    voted = Assistant.load(index_dir)
    question = "What did he write on Instagram?"
    assert voted.retriever.known.vote(voted.retriever.encode([question])[0]) != 0
    answer = voted.ask(question)
    assert not answer.abstained and answer.reason.startswith("the question does not say who “he” is")
    plain = Assistant.load(article_index).ask(question)
    assert answer.confidence == pytest.approx(plain.confidence)
    assert [c.quote for c in answer.citations] == [c.quote for c in plain.citations]  # nor any support lent
