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
