"""What produced an evaluation, so that two runs' metrics.json can be tied to code, scorer, index and data.

Every function here returns None for what it cannot find out (no git, no such file) and never raises.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

CODE_DIR = Path(__file__).resolve().parents[1]  # the retrieval package


def git_commit(where: str | Path = CODE_DIR) -> tuple[str | None, bool | None]:
    """The commit checked out where the code lives (`git rev-parse HEAD`), and whether tracked files
    under `where` (the package) differ from it; (None, None) without git or outside a repository."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=where, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None, None
    status = git("status", "--porcelain", "--untracked-files=no", ".")
    return commit, None if status is None else bool(status)


def sha256_bytes(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str | None:
    """The file's sha256, or None when it cannot be read."""
    try:
        return sha256_bytes(Path(path).read_bytes())
    except OSError:
        return None


def scorer_sha256(path: str | Path | None, model: str | None) -> str | None:
    """The sha256 of the scorer JSON used: the file at `path`, else the packaged one for `model`."""
    if path is not None:
        return sha256_file(path)
    from importlib import resources

    from ..extract import scorer_file_for

    try:
        return sha256_bytes(resources.files("retrieval").joinpath(scorer_file_for(model)).read_bytes())
    except OSError:
        return None


def index_provenance(index_dir: str | Path) -> dict:
    """The index a JSONL dataset was asked of: its folder, when it was built, its data folder and the
    sha256 of its manifest (which lists the sha256 of every data file)."""
    path = Path(index_dir) / "manifest.json"
    try:
        raw = path.read_bytes()
        manifest = json.loads(raw)
    except (OSError, ValueError):
        raw, manifest = None, {}
    if not isinstance(manifest, dict):
        manifest = {}
    return {
        "index_dir": str(index_dir), "index_built_at": manifest.get("built_at"),
        "index_data_dir": manifest.get("data_dir"), "index_manifest_sha256": sha256_bytes(raw),
    }


def provenance(*, dataset: str | Path, index_dir: str | Path | None = None, scorer_path: str | Path | None = None,
               model: str | None = None, with_scorer: bool = True,
               code: tuple[str | None, bool | None] | None = None) -> dict:
    """Flat provenance keys for metrics.json: git_commit, git_dirty, dataset_sha256, scorer_sha256 (with
    `with_scorer`), and the index's (`index_provenance`) when `index_dir` is given. `code`: `git_commit()`
    taken when the run started (the code may be committed while it runs); taken now when None."""
    commit, dirty = git_commit() if code is None else code
    out: dict = {"git_commit": commit, "git_dirty": dirty, "dataset_sha256": sha256_file(dataset)}
    if with_scorer:
        out["scorer_sha256"] = scorer_sha256(scorer_path, model)
    if index_dir is not None:
        out.update(index_provenance(index_dir))
    return out
