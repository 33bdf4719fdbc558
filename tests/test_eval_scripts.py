"""The training and experiment scripts that eval/RESULTS.md and bench/RESULTS.md cite still start."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPTS = sorted(
    p for p in [*ROOT.glob("eval/*.py"), *ROOT.glob("eval/experiments/*.py"), *ROOT.glob("bench/*.py")]
    if p.name not in ("common.py", "langchain_side.py")  # a module; a script for the LangChain venv
)


def test_every_script_is_listed():
    names = {p.name for p in SCRIPTS}
    assert {"train_scorer.py", "finetune.py", "cross_encoder.py", "latency.py"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_script_help_runs(script: Path):
    done = subprocess.run([sys.executable, str(script), "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage:" in done.stdout


def test_dev_questions_teach_the_answerability_model_only_when_weighted():
    import numpy as np

    sys.path.insert(0, str(ROOT / "eval"))
    import train_scorer
    from retrieval.extract import QUESTION_FEATURES

    rng = np.random.default_rng(0)
    tune_x = rng.normal(size=(400, len(QUESTION_FEATURES)))
    dev_x = rng.normal(size=(60, len(QUESTION_FEATURES)))
    tune = (tune_x, (tune_x[:, 0] > 0).astype(int))  # on tune, the first feature tells
    dev = (dev_x, (dev_x[:, 1] > 0).astype(int))     # on dev, the second one
    plain = train_scorer.answerability_model(tune)
    assert train_scorer.answerability_model(tune, dev, 0.0) == plain
    weighted = train_scorer.answerability_model(tune, dev, 10.0)
    assert abs(plain.coef[1]) < 0.3 and weighted.coef[1] > 1.0
    assert weighted.coef[0] > 0.5  # tune still counts


def test_news_questions_join_dev_at_their_own_weight():
    import numpy as np

    sys.path.insert(0, str(ROOT / "eval"))
    import train_scorer
    from retrieval.extract import QUESTION_FEATURES

    rng = np.random.default_rng(1)
    tune_x, dev_x, news_x = (rng.normal(size=(n, len(QUESTION_FEATURES))) for n in (2000, 300, 600))
    tune = (tune_x, (tune_x[:, 0] > 0).astype(int))
    dev = (dev_x, (dev_x[:, 1] > 0).astype(int))
    news = (news_x, (news_x[:, 2] > 0).astype(int))  # the news questions tell by a third feature
    with_dev = train_scorer.answerability_model(tune, dev, 10.0)
    assert train_scorer.answerability_model(tune, dev, 10.0, news, 0.0) == with_dev
    empty = (np.empty((0, len(QUESTION_FEATURES))), np.empty(0, dtype=int))
    assert train_scorer.answerability_model(tune, dev, 10.0, empty, 5.0) == with_dev
    both = train_scorer.answerability_model(tune, dev, 10.0, news, 5.0)
    assert abs(with_dev.coef[2]) < 0.2 and both.coef[2] > 0.5
    assert both.coef[1] > 0.5 and both.coef[0] > 0.3  # dev and tune still count
    # without dev's weight the news questions count alone
    alone = train_scorer.answerability_model(tune, None, 0.0, news, 5.0)
    assert alone.coef[2] > 1.0 and abs(alone.coef[1]) < 0.2


def test_off_topic_questions_join_at_their_own_weight():
    """All unanswerable, they teach that a question far from the source (here: a high fourth feature)
    is not answered, and only when weighted."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "eval"))
    import train_scorer
    from retrieval.extract import QUESTION_FEATURES

    rng = np.random.default_rng(2)
    tune_x, dev_x, off_x = (rng.normal(size=(n, len(QUESTION_FEATURES))) for n in (2000, 300, 300))
    tune = (tune_x, (tune_x[:, 0] > 0).astype(int))
    dev = (dev_x, (dev_x[:, 1] > 0).astype(int))
    off_x[:, 3] += 2.0
    off = (off_x, np.zeros(len(off_x), dtype=int))
    with_dev = train_scorer.answerability_model(tune, dev, 10.0)
    assert train_scorer.answerability_model(tune, dev, 10.0, None, 0.0, off, 0.0) == with_dev
    taught = train_scorer.answerability_model(tune, dev, 10.0, None, 0.0, off, 1.0)
    assert abs(with_dev.coef[3]) < 0.2 and taught.coef[3] < -0.3
    assert taught.coef[0] > 0.3 and taught.coef[1] > 0.5


def test_the_topic_floor_is_the_lowest_best_similarity_of_an_answerable_question():
    import numpy as np

    sys.path.insert(0, str(ROOT / "eval"))
    import train_scorer
    from retrieval.extract import QUESTION_FEATURES

    col = QUESTION_FEATURES.index("max_dense_sentence")
    x = np.zeros((4, len(QUESTION_FEATURES)))
    x[:, col] = [0.1, 0.5, 0.3, 0.9]
    news = np.zeros((2, len(QUESTION_FEATURES)))
    news[:, col] = [0.05, 0.4]
    empty = (np.empty((0, len(QUESTION_FEATURES))), np.empty(0, dtype=int))
    # the unanswerable 0.1 and 0.05 do not count
    assert train_scorer.topic_floor([(x, [0, 1, 1, 1]), (news, [0, 1]), empty]) == 0.3


@pytest.mark.parametrize("pointwise", [False, True])
def test_listwise_loss_gradient_matches_finite_differences(pointwise):
    sys.path.insert(0, str(ROOT / "eval"))
    import numpy as np
    import train_scorer

    rng = np.random.default_rng(0)
    groups = [(rng.normal(size=(5, 3)), np.array([True, False, False, True, False])),
              (rng.normal(size=(4, 3)), np.array([False, False, True, False]))]
    theta = rng.normal(size=4)
    loss, grad = train_scorer.softmax_loss(theta, groups, 0.1, pointwise)
    step = 1e-6
    numeric = [(train_scorer.softmax_loss(theta + step * e, groups, 0.1, pointwise)[0] - loss) / step
               for e in np.eye(4)]
    assert np.allclose(grad, numeric, atol=1e-4)
    assert (grad[-1] == 0.0) is not pointwise  # the intercept only matters to the pointwise part


def test_a_listwise_ranker_ships_with_a_logistic_evidence_model():
    sys.path.insert(0, str(ROOT / "eval"))
    from types import SimpleNamespace

    import numpy as np
    import train_scorer
    from retrieval.extract import SENTENCE_FEATURES

    rng = np.random.default_rng(0)
    dense = SENTENCE_FEATURES.index("dense_sentence")
    rows = []
    for _ in range(60):
        x = rng.normal(size=(8, len(SENTENCE_FEATURES)))
        x[:, [SENTENCE_FEATURES.index(name) for name in train_scorer.FIXED_WEIGHTS]] = 0.0
        y = np.zeros(8, dtype=bool)
        y[np.argmax(x[:, dense])] = True  # the most similar candidate is the answer
        rows.append((SimpleNamespace(features=x), y, False))
    ranker, evidence = train_scorer.ranker_and_evidence(rows, 0.0, "listwise")
    assert evidence == train_scorer.fit_sentence_model(rows, length_penalty=0.0, ranker="logistic")
    assert ranker != evidence and ranker.coef[dense] > 0 and evidence.coef[dense] > 0
    assert train_scorer.ranking_hits(ranker, rows)[0] > 0.9
    alone, none = train_scorer.ranker_and_evidence(rows, 0.0, "logistic")
    assert none is None and alone == evidence


def test_first_hits_are_per_question_and_never_for_an_impossible_one():
    sys.path.insert(0, str(ROOT / "eval"))
    from types import SimpleNamespace

    import numpy as np
    import train_scorer
    from retrieval.extract import SENTENCE_FEATURES, LinearModel

    n = len(SENTENCE_FEATURES)
    model = LinearModel(features=SENTENCE_FEATURES, coef=[1.0] + [0.0] * (n - 1), intercept=0.0,
                        mean=[0.0] * n, scale=[1.0] * n)  # ranks by the first feature alone

    def question(first_column, hits, impossible=False):
        x = np.zeros((len(first_column), n))
        x[:, 0] = first_column
        return SimpleNamespace(features=x), np.array(hits, dtype=bool), impossible

    rows = [question([0.9, 0.1, 0.5], [1, 0, 0]),         # hit first
            question([0.1, 0.9, 0.5], [1, 0, 0]),         # hit third
            question([0.9, 0.1, 0.5], [1, 0, 0], True)]   # impossible: never a hit
    assert train_scorer.first_hits(model, rows).tolist() == [True, False, False]
    assert train_scorer.first_hits(model, rows, 3).tolist() == [True, True, False]
    assert train_scorer.ranking_hits(model, rows) == (0.5, 1.0)  # over the possible questions only
