"""Every relative link in the project's Markdown documents lands: the file exists and, for a
link to a heading (``file.md#heading``), the heading is in that file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from src.helpers import ROOT

DOCUMENTS = sorted(
    {ROOT / "README.md", ROOT / "CONTRIBUTING.md"}
    | set((ROOT / "docs").glob("*.md"))
    | set((ROOT / "data").glob("*/README.md"))
    | set((ROOT / "bench").glob("README.md"))
)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(markdown: str) -> set[str]:
    """The anchors a Markdown renderer gives the headings: lower case, punctuation dropped,
    spaces as hyphens."""
    out = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", markdown, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


def links(path: Path) -> list[str]:
    return [t for t in LINK.findall(path.read_text(encoding="utf-8")) if "://" not in t]


def test_the_anchor_rule_drops_punctuation_and_joins_words_with_hyphens():
    assert anchors("## Adding a return, or next year's wave\n") == {
        "adding-a-return-or-next-years-wave"
    }


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_lands(document):
    for target in links(document):
        if target.startswith("mailto:"):
            continue
        file, _, anchor = target.partition("#")
        landing = (document.parent / file).resolve() if file else document
        assert landing.exists(), f"{document.name}: link to {target}: no such file"
        if anchor and landing.suffix == ".md":
            found = anchors(landing.read_text(encoding="utf-8"))
            assert anchor in found, f"{document.name}: link to {target}: no such heading"
