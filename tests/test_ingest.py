from pathlib import Path

import pytest

from retrieval import SourceError
from retrieval.ingest import expand_sources, iso_date, load_document, make_document

from conftest import ARTICLE


def test_article_metadata_is_read():
    doc = load_document(ARTICLE)
    assert doc.doc_id == "sbs-2017-04-19-chechnya"
    assert doc.byline == "Ben Winsor"
    assert doc.date == "2017-04-19"
    assert doc.title  # from the sidecar
    assert doc.text == ARTICLE.read_bytes().decode("utf-8")


def test_markdown_title(tmp_path: Path):
    path = tmp_path / "notes.md"
    path.write_text("# Steam engines\n\nThey burn coal.", encoding="utf-8")
    assert load_document(path).title == "Steam engines"


def test_a_pages_headline_is_its_title(tmp_path: Path):
    path = tmp_path / "bridge.txt"
    path.write_text("Council approves new bridge\nThe council voted for it.\nJane Citizen\n\nThe mayor spoke.\n",
                    encoding="utf-8")
    doc = load_document(path)
    assert (doc.title, doc.byline) == ("Council approves new bridge", "Jane Citizen")


def test_title_falls_back_to_file_name(tmp_path: Path):
    path = tmp_path / "city_council-notes.txt"
    path.write_text("The council met.", encoding="utf-8")
    assert load_document(path).title == "City council notes"


@pytest.mark.parametrize(
    "setup, fragment",
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"   \n\n \t"), "empty"),
        (lambda p: p.write_bytes(b"caf\xe9 au lait"), "not valid UTF-8"),
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "directory"),
    ],
)
def test_bad_sources_name_the_file(tmp_path: Path, setup, fragment):
    path = tmp_path / "source.txt"
    setup(path)
    with pytest.raises(SourceError) as info:
        load_document(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)


def test_folder_expands_to_text_and_markdown_only(tiny_corpus: Path):
    (tiny_corpus / "ignore.json").write_text("{}")
    assert [p.name for p in expand_sources([tiny_corpus])] == ["cats.txt", "trains.md"]


def test_a_folder_is_read_with_its_subfolders_hidden_ones_aside(tmp_path: Path):
    """A folder of subfolders had been indexed as its top-level files alone, without a word."""
    for rel in ("a/notes.txt", "b/notes.txt", "notes.md", "b/deeper/ferry.md", ".git/x.txt", "a/.draft.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"Text of {rel}.", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in expand_sources([tmp_path])]
    assert found == ["a/notes.txt", "b/deeper/ferry.md", "b/notes.txt", "notes.md"]


def test_empty_folder_is_an_error(tmp_path: Path):
    with pytest.raises(SourceError, match="no .txt or .md"):
        expand_sources([tmp_path])


def test_an_empty_file_in_a_folder_is_skipped_with_a_warning(tmp_path: Path, caplog):
    """A developer's review: one empty file in a folder had stopped the whole build ("bad/empty.txt is empty")."""
    (tmp_path / "story.txt").write_text("The council met on Tuesday.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_bytes(b"\xef\xbb\xbf \n\xc2\xa0\n")
    with caplog.at_level("WARNING", logger="retrieval"):
        found = [p.name for p in expand_sources([tmp_path])]
    assert found == ["story.txt"]
    assert "skipped 2 empty file(s): blank.md, empty.txt" in caplog.text
    (tmp_path / "story.txt").write_bytes(b"")
    with pytest.raises(SourceError, match="holds only empty .txt or .md files; there is nothing to index"):
        expand_sources([tmp_path])
    with pytest.raises(SourceError, match="is empty; there is nothing to index"):  # named alone, it is an error
        load_document(tmp_path / "empty.txt")


def test_crlf_text_is_kept_byte_for_byte(tmp_path: Path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("One line.\r\n\r\nTwo “lines”.".encode())
    doc = load_document(path)
    assert doc.text == "One line.\r\n\r\nTwo “lines”."
    assert [doc.text[p.start:p.end] for p in doc.paragraphs] == ["One line.", "Two “lines”."]


def test_iso_date():
    assert iso_date("19 Apr 2017 - 12:38 PM") == "2017-04-19"
    assert iso_date("no date here") is None
    assert make_document("Plain text.").date is None


@pytest.mark.parametrize("name, text", [
    ("notes.html", "<html><body><p>The budget was approved.</p></body></html>"),
    ("page.txt", "<!DOCTYPE html>\n<html><p>The budget was approved.</p></html>"),
])
def test_html_is_refused_rather_than_quoted_with_its_tags(tmp_path, name, text):
    """A developer's review: a page named directly was indexed raw, and answers quoted `<html><head>…`."""

    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="is HTML"):
        load_document(tmp_path / name)


def test_files_a_folder_skips_are_named(tmp_path, caplog):

    (tmp_path / "story.txt").write_text("A story.", encoding="utf-8")
    (tmp_path / "notes.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "story.meta.json").write_text("{}", encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert expand_sources([tmp_path]) == [tmp_path / "story.txt"]
    assert "skipped 1 file(s) that are not .txt or .md: notes.html" in caplog.text
