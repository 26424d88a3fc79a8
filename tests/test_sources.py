"""The seed document is cut into its passages: the AMN item, the post, and 51 comments."""

from __future__ import annotations

import datetime as dt

import pytest

from orbat.sources import Document, load_documents
from orbat.workspace import Workspace


@pytest.fixture(scope="module")
def seed() -> Document:
    (document,) = load_documents(Workspace.example().sources)
    return document


def test_document_metadata(seed: Document) -> None:
    assert seed.id == "sst-2017-05-21-hezbollah-iraqi-forces"
    assert seed.date == dt.date(2017, 5, 21)
    assert "21 May" in seed.date_basis
    assert seed.publisher == "sic-semper-tyrannis" and seed.author == "pat-lang"


def test_passages_in_order_with_offsets(seed: Document) -> None:
    ids = [p.id for p in seed.passages]
    assert ids[:2] == ["amn", "post"]
    assert ids[2:] == [f"c{n:02d}" for n in range(1, 52)]
    for passage in seed.passages:
        assert seed.text[passage.start : passage.end] == passage.text
        assert passage.text.strip()
    starts = [p.start for p in seed.passages]
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("passage", "printed", "author"),
    [
        ("amn", "amn", "amn"),
        ("post", "pat-lang", "pat-lang"),
        ("c01", "unknown", None),
        ("c02", "S.E.", "commenter-s-e"),
        ("c03", "turcopolier", "pat-lang"),
        ("c11", "unknown", None),
        ("c26", "Stumpy", "commenter-stumpy"),
        ("c51", "charly", "commenter-charly"),
    ],
)
def test_authors_as_printed(seed: Document, passage: str, printed: str, author: str | None) -> None:
    found = seed.passage(passage)
    assert found is not None
    assert found.author_as_printed == printed
    assert found.author == author


def test_comment_text_excludes_the_header(seed: Document) -> None:
    c02 = seed.passage("c02")
    assert c02 is not None
    assert c02.text.startswith("Norway has 60 soldiers in Iraq")
    assert "says:" not in c02.text
