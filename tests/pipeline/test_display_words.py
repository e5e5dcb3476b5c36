"""No module or template of src/ holds a display word that is data: an owner group's words,
the national place, a release's date, the old source note, or a platform's display name
(``data/reference/platforms.csv``). They come from data/reference/ (owners.csv, groups.csv,
places.csv, words.yaml, platforms.csv) or data/raw/published/.

Every module is parsed with ``ast`` and every string constant (f-string parts included) is
checked; docstrings are exempt (they may describe things). Templates are checked as text.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"

#: Words that are data, whatever the platforms are.
FIXED = (
    "Facebook-owned",
    "Meta-owned",
    "England, Wales and the Channel Islands",
    "26 March 2021",
    "simulated here",
)


def display_names(path: Path = ROOT / "data" / "reference" / "platforms.csv") -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["display_name"] for row in csv.DictReader(handle)]


def forbidden_words() -> list[str]:
    return [*FIXED, *display_names()]


def _pattern(words) -> re.Pattern:
    """Each word as a whole word (so a slug or a longer word holding it does not count),
    matched with its case (a slug is lower case; a display name is not)."""
    return re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words))


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                out.add(id(first.value))
    return out


def string_hits(source: str, words, name: str = "<text>") -> list[str]:
    """``name:line: 'word'`` for each string constant of the Python ``source`` (docstrings
    exempt) that holds one of ``words``."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    pattern = _pattern(words)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            for match in pattern.finditer(node.value):
                hits.append(f"{name}:{node.lineno}: {match.group(0)!r}")
    return hits


def text_hits(text: str, words, name: str = "<text>") -> list[str]:
    """``name:line: 'word'`` for each line of a template that holds one of ``words``."""
    pattern = _pattern(words)
    return [
        f"{name}:{number}: {match.group(0)!r}"
        for number, line in enumerate(text.splitlines(), start=1)
        for match in pattern.finditer(line)
    ]


def test_no_module_of_src_holds_a_display_word_that_is_data():
    words = forbidden_words()
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        hits += string_hits(path.read_text(encoding="utf-8"), words, str(path.relative_to(ROOT)))
    assert not hits, "display words in code (put them in data/reference/):\n" + "\n".join(hits)


def test_no_template_holds_a_display_word_that_is_data():
    words = forbidden_words()
    templates = sorted(p for p in SRC.rglob("templates/*") if p.is_file())
    assert templates, "no template found under src/"
    hits = []
    for path in templates:
        hits += text_hits(path.read_text(encoding="utf-8"), words, str(path.relative_to(ROOT)))
    assert not hits, "display words in templates:\n" + "\n".join(hits)


# --- The check itself, fed one of each ---------------------------------------------------------


def test_the_check_finds_a_constant_and_an_f_string_part_and_names_the_line():
    source = 'X = 1\nTITLE = "Facebook-owned apps"\nY = f"{X} on WhatsApp today"\n'
    assert string_hits(source, ["Facebook-owned", "WhatsApp"], "m.py") == [
        "m.py:2: 'Facebook-owned'",
        "m.py:3: 'WhatsApp'",
    ]


def test_the_check_exempts_docstrings_slugs_and_longer_words():
    source = (
        '"""Facebook-owned apps are named in owners.csv."""\n'
        "def f():\n"
        '    """Returns the Instagram share."""\n'
        '    return ["instagram", "Kiknet", "whatsapp_of_facebook_owned"]\n'
    )
    assert string_hits(source, ["Facebook-owned", "Instagram", "Kik", "WhatsApp"]) == []


def test_the_check_reads_templates_line_by_line():
    text = "<p>one</p>\n<li>Instagram: {{ x }}</li>\n"
    assert text_hits(text, ["Instagram"], "t.j2") == ["t.j2:2: 'Instagram'"]


def test_the_platform_names_come_from_platforms_csv(tmp_path):
    path = tmp_path / "platforms.csv"
    path.write_text("platform,display_name,kind\nfoo,Foo Chat,app\n", encoding="utf-8")
    assert display_names(path) == ["Foo Chat"]
