"""Who publishes the workbook, how to reach them, and the date of the edition: the
publication details of ``data/reference/publication.yaml``, checked (the orchestrator reads the
file; this module takes its parsed contents)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from src.errors import InputError


@dataclass(frozen=True)
class Publication:
    """Who publishes the workbook, how to reach them, and the date of this edition."""

    publisher: str
    contact: tuple[str, ...]
    published: dt.date
    keywords: tuple[str, ...] = ()


PUBLICATION_KEYS = {"publisher", "contact", "published", "keywords"}


def publication_from(data, file: str) -> Publication:
    """The publication details read from ``file`` (``data/reference/publication.yaml``),
    checked: ``publisher`` (text), ``contact`` (a line or a list of lines), ``published`` (a
    date, YYYY-MM-DD) and optional ``keywords`` (a list of text).
    """
    fix = "write publisher, contact, published (YYYY-MM-DD) and keywords, as the file explains"
    if not isinstance(data, dict):
        raise InputError(file, "", "the file is not a mapping of keys to values", fix)
    problems = [f"unknown key '{k}'" for k in sorted(set(data) - PUBLICATION_KEYS)]
    problems += [
        f"missing key '{k}'" for k in ("publisher", "contact", "published") if k not in data
    ]
    if problems:
        raise InputError(file, "top level", "; ".join(problems), fix)
    published = data["published"]
    if isinstance(published, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        published = dt.date.fromisoformat(published)
    if not isinstance(published, dt.date) or isinstance(published, dt.datetime):
        raise InputError(file, "key 'published'", f"'{published}' is not a date", fix)
    lists = {k: data.get(k) or [] for k in ("contact", "keywords")}
    lists = {k: [v] if isinstance(v, str) else v for k, v in lists.items()}
    publisher = data["publisher"]
    for key, value in {**lists, "publisher": [publisher]}.items():
        empty = not value and key != "keywords"
        if empty or not all(isinstance(v, str) and v.strip() for v in value):
            raise InputError(file, f"key '{key}'", "must be text (a line or a list)", fix)
    return Publication(
        publisher.strip(), tuple(lists["contact"]), published, tuple(lists["keywords"])
    )


# --- Sheets and the workbook -----------------------------------------------------------------
