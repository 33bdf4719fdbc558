import json
import shutil
from pathlib import Path

import pytest

from retrieval import (
    IndexCorruptError, IndexMissingError, IndexStaleError, Retriever, SourceError, build_index,
)
from retrieval.embedding import FakeEmbedder
from retrieval.store import FORMAT_VERSION, MANIFEST, is_current, read_manifest


def test_manifest_records_settings_counts_and_hashes(tiny_index: Path, tiny_corpus: Path):
    manifest = read_manifest(tiny_index)
    assert manifest.format_version == FORMAT_VERSION
    assert manifest.model == "fake-64" and manifest.dimension == 64
    assert manifest.chunking.max_chars == 1000
    assert manifest.passage_count == 5  # cats: 2 paragraphs; trains: heading + 2
    assert {s.doc_id for s in manifest.sources} == {"cats", "trains"}
    assert {"passages.jsonl", "dense.faiss", "documents.jsonl"} <= set(manifest.files)
    assert is_current(tiny_index, [tiny_corpus], model="fake-64")


def test_missing_index_says_how_to_rebuild(tmp_path: Path):
    with pytest.raises(IndexMissingError, match="python -m retrieval index"):
        Retriever.load(tmp_path / "nowhere")


def test_a_damaged_index_says_how_to_rebuild_it_from_its_own_sources(tiny_index: Path, tiny_corpus: Path):
    """The hint had always said `index data`, whatever the index was built from."""
    (_data_dir(tiny_index) / "passages.jsonl").write_text("{}", encoding="utf-8")
    with pytest.raises(IndexCorruptError) as info:
        Retriever.load(tiny_index)
    assert read_manifest(tiny_index).inputs == [str(tiny_corpus)]  # the folder it was given
    assert f"`python -m retrieval index {tiny_corpus} --index-dir {tiny_index}`" in str(info.value)


def test_nothing_to_index_is_a_source_error(tmp_path: Path):
    with pytest.raises(SourceError, match="no sources given"):
        build_index([], tmp_path / "idx", embedder=FakeEmbedder())
    assert not (tmp_path / "idx").exists()


def _data_dir(index_dir: Path) -> Path:
    return index_dir / read_manifest(index_dir).data_dir


@pytest.mark.parametrize("name", ["dense.faiss", "passages.jsonl", "sentence_vectors.npy"])
def test_truncated_or_edited_files_are_detected(tiny_index: Path, name: str):
    path = _data_dir(tiny_index) / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Retriever.load(tiny_index)


def test_newer_format_is_refused_with_upgrade_hint(tiny_index: Path):
    path = tiny_index / MANIFEST
    raw = json.loads(path.read_text())
    raw["format_version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(raw))
    with pytest.raises(IndexStaleError, match="upgrade the library"):
        Retriever.load(tiny_index)


def test_garbage_manifest_is_corrupt(tiny_index: Path):
    (tiny_index / MANIFEST).write_text("{not json")
    with pytest.raises(IndexCorruptError):
        Retriever.load(tiny_index)


def test_other_model_than_manifest_is_refused(tiny_index: Path):
    with pytest.raises(IndexStaleError, match="fake-64"):
        Retriever.load(tiny_index, embedder=FakeEmbedder(32))


def test_changed_source_is_flagged_or_refused(tiny_corpus: Path, tmp_path: Path):
    index_dir = tmp_path / "idx"
    build_index([tiny_corpus], index_dir, embedder=FakeEmbedder())
    (tiny_corpus / "cats.txt").write_text("Cats are now dogs.", encoding="utf-8")
    retriever = Retriever.load(index_dir)
    assert retriever.stale_docs == {"cats"}
    with pytest.raises(IndexStaleError, match="cats"):
        Retriever.load(index_dir, allow_stale=False)
    assert not is_current(index_dir, [tiny_corpus], model="fake-64")


def test_same_document_twice_is_indexed_once(tiny_corpus: Path, tmp_path: Path):
    copy = tmp_path / "copy-of-cats.txt"
    shutil.copy(tiny_corpus / "cats.txt", copy)
    manifest = build_index([tiny_corpus, copy, tiny_corpus / "cats.txt"], tmp_path / "idx", embedder=FakeEmbedder())
    assert [s.doc_id for s in manifest.sources] == ["cats", "trains"]
    texts = [p.text for p in Retriever.load(tmp_path / "idx").passages]
    assert len(texts) == len(set(texts))


def test_rebuild_replaces_data_and_leaves_one_data_folder(tiny_index: Path, tiny_corpus: Path):
    old = read_manifest(tiny_index).data_dir
    build_index([tiny_corpus / "cats.txt"], tiny_index, embedder=FakeEmbedder())
    manifest = read_manifest(tiny_index)
    assert manifest.data_dir != old
    assert [p.name for p in tiny_index.iterdir() if p.name.startswith("data-")] == [manifest.data_dir]
    assert Retriever.load(tiny_index).manifest.passage_count == 2


def test_failed_build_leaves_previous_index_working(tiny_index: Path, tmp_path: Path, monkeypatch):
    import retrieval.store as store

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.SparseIndex, "build", boom)
    good = tmp_path / "good.txt"
    good.write_text("Something new.", encoding="utf-8")
    with pytest.raises(RuntimeError):
        build_index([good], tiny_index, embedder=FakeEmbedder())
    monkeypatch.undo()
    assert Retriever.load(tiny_index).manifest.passage_count == 5
    assert not [p for p in tiny_index.iterdir() if p.name.startswith(".tmp-")]


def test_search_ranks_the_matching_passage_first(tiny_index: Path):
    retriever = Retriever.load(tiny_index)
    hits = retriever.search("When did the first steam railway open?", k=2)
    assert hits[0].passage.doc_id == "trains"
    assert "1825" in hits[0].passage.text
    assert [h.rank for h in hits] == [1, 2]
    for h in hits:
        doc = retriever.documents[h.passage.doc_id]
        assert doc.text[h.passage.start:h.passage.end] == h.passage.text


def test_index_built_by_other_chunking_is_not_current(tiny_corpus: Path, tmp_path: Path):
    from retrieval.chunking import ChunkSettings, chunker_id

    index_dir = tmp_path / "idx"
    build_index([tiny_corpus], index_dir, embedder=FakeEmbedder())
    assert read_manifest(index_dir).chunker == chunker_id()
    assert is_current(index_dir, [tiny_corpus], model="fake-64")
    # other settings than the build's: `index --if-stale --max-chars 300` must rebuild
    assert not is_current(index_dir, [tiny_corpus], model="fake-64", chunking=ChunkSettings(max_chars=300))
    # an index from older chunking code (or from before the field existed) is rebuilt
    path = index_dir / MANIFEST
    raw = json.loads(path.read_text(encoding="utf-8"))
    for old in ("0/pysbd-0.0.1", None):
        if old is None:
            raw.pop("chunker")
        else:
            raw["chunker"] = old
        path.write_text(json.dumps(raw), encoding="utf-8")
        assert not is_current(index_dir, [tiny_corpus], model="fake-64")
        Retriever.load(index_dir)  # still readable: it is only out of date


def test_cli_if_stale_rebuilds_for_new_chunk_settings(tiny_corpus: Path, tmp_path: Path):
    from retrieval.cli import main

    index_dir = tmp_path / "idx"
    args = ["index", str(tiny_corpus), "--index-dir", str(index_dir), "--model", "fake-64", "--if-stale"]
    assert main(args) == 0
    first = read_manifest(index_dir)
    assert main(args) == 0 and read_manifest(index_dir).data_dir == first.data_dir  # up to date: kept
    assert main(args + ["--max-chars", "300"]) == 0
    second = read_manifest(index_dir)
    assert second.data_dir != first.data_dir and second.chunking.max_chars == 300
