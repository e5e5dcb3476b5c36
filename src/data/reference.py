"""Loaders for the reference tables in data/reference/, each checked on load.

Every loader reads its CSV as text (nothing is guessed), checks it with a pandera schema (all
failures at once) and raises :class:`src.errors.InputError` naming the file, the rows and the
fix. ``load_reference`` reads them all into one :class:`Reference`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from src.data.names import lookup
from src.data.periods import check_periods
from src.data.schemas import ISO_DATE, validate
from src.errors import InputError
from src.helpers import REFERENCE, load_yaml, rel
from src.vocab import PLATFORM_GROUPS

_SPACE = re.compile(r"\s+")
SLUG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
#: A wave's id: any name a folder and make can take (letters, digits, . _ -), such as its
#: first and last month (``2019-10_2020-09``); two requests over the same year need two ids.
WAVE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
#: A period's id: its first and last month.
PERIOD_ID = r"^\d{4}-\d{2}_\d{4}-\d{2}$"
#: The kinds of platform (platforms.csv): a named platform (``app``, ``service``); a kind of
#: platform, never ranked among the largest (``category``); a column a return printed for
#: several platforms together, named in ``includes`` (``combined``); no platform recorded
#: (``unknown``); what printed totals count beyond their cells under a counting convention
#: (``remainder``); what a partial return's printed total counts beyond the rows it itemises
#: (``not_itemised``).
PLATFORM_KINDS = ("app", "service", "category", "combined", "unknown", "remainder", "not_itemised")


def normalise_label(text) -> str:
    """A label as the lookup keys it: trimmed, lower case, inner whitespace collapsed to one space."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _SPACE.sub(" ", str(text)).strip().lower()


def normalise_labels(labels: pd.Series) -> pd.Series:
    """:func:`normalise_label` over a column, vectorised."""
    return (
        labels.fillna("").astype(str).str.replace(r"\s+", " ", regex=True).str.strip().str.lower()
    )


def _key(*checks: pa.Check, unique: bool = False) -> pa.Column:
    return pa.Column(str, [pa.Check.str_length(min_value=1), *checks], unique=unique)


def _free() -> pa.Column:
    return pa.Column(str)


def _iso(optional: bool = False) -> pa.Column:
    pattern = r"^(\d{4}-\d{2}-\d{2})?$" if optional else ISO_DATE
    return pa.Column(str, pa.Check.str_matches(pattern))


def _valid_dates(*columns: str) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for column in columns:
            text = df[column]
            parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            ok &= parsed.notna() | (text == "")
        return ok

    return pa.Check(check, error=f"{', '.join(columns)} must be real dates (YYYY-MM-DD)")


SCHEMAS = {
    "readings": pa.DataFrameSchema(
        {
            "comparison": _key(pa.Check.str_matches(SLUG), unique=True),
            "tolerance": pa.Column(
                str,
                pa.Check(
                    lambda s: pd.to_numeric(s, errors="coerce").ge(0),
                    error="tolerance must be a number of 0 or more",
                ),
            ),
            "reading": _key(),
            "examples": _free(),
        }
    ),
    "verdicts": pa.DataFrameSchema({"verdict": _key(unique=True), "meaning": _key()}),
    "forces": pa.DataFrameSchema(
        {
            "force": _key(pa.Check.str_matches(SLUG), unique=True),
            "ons_code": pa.Column(str, pa.Check.str_matches(r"^([EW]\d{8})?$")),
            "name": _key(),
            "country": _key(),
            "release_region": _free(),
        }
    ),
    "waves": pa.DataFrameSchema(
        {
            "wave": _key(pa.Check.str_matches(WAVE_ID), unique=True),
            **{c: _iso() for c in ("start", "end")},
            "offence_groups": _free(),
        },
        checks=[
            _valid_dates("start", "end"),
            pa.Check(lambda d: d["start"] <= d["end"], error="start must not be after end"),
        ],
    ),
    "periods": pa.DataFrameSchema(
        {
            "wave": _key(pa.Check.str_matches(WAVE_ID)),
            "period": _key(pa.Check.str_matches(PERIOD_ID)),
            **{c: _iso() for c in ("start", "end")},
            "label": _key(),
        },
        checks=[
            _valid_dates("start", "end"),
            pa.Check(lambda d: d["start"] <= d["end"], error="start must not be after end"),
            pa.Check(
                lambda d: d["period"] == d["start"].str[:7] + "_" + d["end"].str[:7],
                error="period must be the first and last month of start to end (YYYY-MM_YYYY-MM)",
            ),
        ],
        unique=["wave", "period"],
    ),
    "offence_groups": pa.DataFrameSchema(
        {"offence_group": _key(pa.Check.str_matches(SLUG), unique=True), "name": _key()}
    ),
    "offence_codes": pa.DataFrameSchema({"code": _key(unique=True), "offence_group": _key()}),
    "platforms": pa.DataFrameSchema(
        {
            "platform": _key(pa.Check.str_matches(SLUG), unique=True),
            "display_name": _key(),
            "kind": _key(pa.Check.isin(list(PLATFORM_KINDS))),
        },
        checks=[
            pa.Check(
                lambda d: pd.Series((d["platform"] == "unknown").any(), index=d.index),
                error="the platform 'unknown' must be listed",
            )
        ],
    ),
    "platform_labels": pa.DataFrameSchema(
        {"label": _key(unique=True), "platform": _key()},
        checks=[
            pa.Check(
                lambda d: d["label"] == normalise_labels(d["label"]),
                error="labels must be normalised: trimmed, lower case, single spaces",
            )
        ],
    ),
    "contact_keywords": pa.DataFrameSchema({"pattern": _key(unique=True), "platform": _key()}),
    "ownership": pa.DataFrameSchema(
        {
            "platform": _key(),
            "owner": _key(pa.Check.str_matches(SLUG)),
            "owned_from": _iso(),
            "owned_to": _iso(optional=True),
        },
        checks=[
            _valid_dates("owned_from", "owned_to"),
            pa.Check(
                lambda d: (d["owned_to"] == "") | (d["owned_from"] <= d["owned_to"]),
                error="owned_from must not be after owned_to",
            ),
        ],
    ),
}


def read_table(path: Path | str, name: str) -> pd.DataFrame:
    """Read one reference CSV as text and check it against its schema."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            rel(path), "", "the reference table is missing", f"restore {path.name} (see git log)"
        )
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(
            rel(path), "", f"cannot be read as a UTF-8 CSV ({error})", "save it as UTF-8 CSV"
        ) from None
    df = df.apply(lambda column: column.str.strip())
    return validate(
        df,
        SCHEMAS[name].set_name(name),
        rel(path),
        f"correct the rows named in {path.name}: the columns are described in "
        "docs/architecture.md and data/processed/README.md",
    )


@cache
def load_readings(reference_dir: Path | str = REFERENCE) -> pd.DataFrame:
    """readings.csv: how each kind of published wording is read (``comparison``: the
    published files' column), its ``tolerance`` (a number), ``reading`` and ``examples``;
    indexed by comparison. Read once: the same rule for every build."""
    table = read_table(Path(reference_dir) / "readings.csv", "readings")
    return table.assign(tolerance=table["tolerance"].astype(float)).set_index("comparison")


def load_table(name: str, reference_dir: Path | str = REFERENCE) -> pd.DataFrame:
    """``data/reference/<name>.csv``, checked against its schema (:data:`SCHEMAS`)."""
    return read_table(Path(reference_dir) / f"{name}.csv", name)


load_forces, load_waves = partial(load_table, "forces"), partial(load_table, "waves")


def load_offence_groups(reference_dir: Path | str = REFERENCE) -> pd.DataFrame:
    """offence_groups.csv: offence_group, includes (the groups a count covers together, when a
    return printed them without a split, separated by ';'; blank for a group of its own), name
    (as a reader sees it), question, description."""
    table = read_table(Path(reference_dir) / "offence_groups.csv", "offence_groups")
    return table if "includes" in table else table.assign(includes="")


def load_platforms(reference_dir: Path | str = REFERENCE) -> pd.DataFrame:
    """platforms.csv: platform, display_name, kind, includes (the platforms a ``combined``
    column holds together, separated by ';'; blank for any other)."""
    table = read_table(Path(reference_dir) / "platforms.csv", "platforms")
    return table if "includes" in table else table.assign(includes="")


#: Each reference table's loader, in the order they are read.
LOADERS = {
    name: partial(load_table, name)
    for name in (
        "forces",
        "waves",
        "periods",
        "offence_groups",
        "offence_codes",
        "platforms",
        "platform_labels",
        "contact_keywords",
        "ownership",
    )
}
LOADERS.update(offence_groups=load_offence_groups, platforms=load_platforms)


def _check_refers(df: pd.DataFrame, column: str, allowed, file: Path, target: str) -> None:
    """Every value of ``df[column]`` must be in ``allowed`` (a foreign key check)."""
    bad = df.index[~df[column].isin(list(allowed))]
    if len(bad):
        rows = ", ".join(str(i + 2) for i in bad[:20])
        values = ", ".join(sorted(set(df.loc[bad, column])))
        raise InputError(
            rel(file),
            f"rows {rows}, column '{column}'",
            f"value(s) not in {target}: {values}",
            f"use a value listed in {target}, or add it there first",
        )


def _split_list(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per item of a ';'-separated list column (blank lists give no row), each keeping
    its row's index, for :func:`_check_refers`."""
    items = table[column].str.split(";").explode().str.strip()
    return items[items.fillna("") != ""].to_frame(column)


def _check_patterns(keywords: pd.DataFrame, file: Path) -> None:
    for i, pattern in keywords["pattern"].items():
        try:
            re.compile(pattern)
        except re.error as error:
            raise InputError(
                rel(file),
                f"row {i + 2}, column 'pattern'",
                f"'{pattern}' is not a valid regular expression ({error})",
                "correct the pattern (Python regular expression syntax, matched ignoring case)",
            ) from None


@dataclass(frozen=True)
class Reference:
    """Every reference table, checked, and the folder they came from."""

    directory: Path
    forces: pd.DataFrame
    waves: pd.DataFrame
    periods: pd.DataFrame
    offence_groups: pd.DataFrame
    offence_codes: pd.DataFrame
    platforms: pd.DataFrame
    platform_labels: pd.DataFrame
    contact_keywords: pd.DataFrame
    ownership: pd.DataFrame
    #: Each owner's names over time and its group's display words (owners.csv).
    owners: pd.DataFrame | None = None
    #: The platform groups of the findings, their kinds and generic names (groups.csv).
    groups: pd.DataFrame | None = None
    #: Names of sets of countries (places.csv).
    places: pd.DataFrame | None = None
    #: Display words put together from the data (words.yaml).
    words: dict | None = None

    def wave(self, wave: str) -> pd.Series:
        """The row of waves.csv for ``wave``; an unknown wave is an InputError."""
        match = self.waves[self.waves["wave"] == wave]
        if match.empty:
            raise InputError(
                rel(self.directory / "waves.csv"),
                "column 'wave'",
                f"wave '{wave}' is not listed",
                "add the wave to waves.csv or correct the wave id",
            )
        return match.iloc[0]

    def periods_of(self, wave: str) -> pd.DataFrame:
        """The periods of ``wave`` (periods.csv), in order of their start."""
        rows = self.periods[self.periods["wave"] == wave]
        return rows.sort_values("start").reset_index(drop=True)

    def offence_groups_of(self, wave: str) -> tuple[str, ...]:
        """The offence groups the request of ``wave`` asked about (waves.csv), in order."""
        listed = str(self.wave(wave)["offence_groups"])
        return tuple(g.strip() for g in listed.split(";") if g.strip())

    def offence_group_parts(self) -> dict[str, tuple[str, ...]]:
        """Each offence group's parts: the groups it covers together (``includes``), or itself."""
        return {
            row.offence_group: tuple(p.strip() for p in row.includes.split(";") if p.strip())
            or (row.offence_group,)
            for row in self.offence_groups.itertuples(index=False)
        }

    @property
    def label_lookup(self) -> dict[str, str]:
        return lookup(self.platform_labels, "label", "platform")

    @property
    def offence_code_lookup(self) -> dict[str, str]:
        return lookup(self.offence_codes, "code", "offence_group")


#: The tables each of whose rows names a platform of platforms.csv.
PLATFORM_TABLES = ("platform_labels", "contact_keywords", "ownership")


def load_reference(reference_dir: Path | str = REFERENCE) -> Reference:
    """Read and check every reference table, including the links between them."""
    directory = Path(reference_dir)
    tables = {name: loader(directory) for name, loader in LOADERS.items()}
    platforms = set(tables["platforms"]["platform"])
    groups = set(tables["offence_groups"]["offence_group"])
    # (table, its column, the values it may take, where they are listed, a ;-list or not)
    links = [
        *((name, "platform", platforms, "platforms.csv", False) for name in PLATFORM_TABLES),
        ("offence_codes", "offence_group", groups, "offence_groups.csv", False),
        ("waves", "offence_groups", groups, "offence_groups.csv", True),
        ("offence_groups", "includes", groups, "offence_groups.csv", True),
        ("platforms", "includes", platforms, "platforms.csv", True),
    ]
    for name, column, allowed, target, listed in links:
        table = _split_list(tables[name], column) if listed else tables[name]
        _check_refers(table, column, allowed, directory / f"{name}.csv", target)
    _check_patterns(tables["contact_keywords"], directory / "contact_keywords.csv")
    periods_file = directory / "periods.csv"
    _check_refers(tables["periods"], "wave", tables["waves"]["wave"], periods_file, "waves.csv")
    check_periods(tables["periods"], tables["waves"], periods_file)
    check_owners(tables, directory)
    return Reference(directory=directory, words=load_words(directory), **tables)


def owner_on(platform: str, date, ownership: pd.DataFrame) -> str:
    """The owner of ``platform`` on ``date`` (an ISO date text or a date) by ``ownership``
    (``owned_from`` to ``owned_to`` inclusive, a blank end still holding), or ``""``."""
    day = date if isinstance(date, str) else dt.date.fromisoformat(str(date)[:10]).isoformat()
    rows = ownership[ownership["platform"] == platform]
    held = rows[
        (rows["owned_from"] <= day) & ((rows["owned_to"] == "") | (day <= rows["owned_to"]))
    ]
    if len(held) > 1:
        raise InputError(
            "data/reference/ownership.csv",
            f"platform '{platform}'",
            f"more than one owner on {day}: {', '.join(held['owner'])}",
            "make the owned_from/owned_to periods of this platform not overlap",
        )
    return held["owner"].iloc[0] if len(held) else ""


# --- Owners, platform groups, places and display words ---------------------------------------

#: The kinds of platform group (groups.csv): every known instance (``all``), the owner group
#: (``owner``: named in owners.csv), a platform named as its own group (``platform``: named in
#: platforms.csv), the known instances outside the owner group (``rest``), a column a source
#: printed (``printed``) and the instances with no platform recorded (``unknown``).
GROUP_KINDS = ("all", "owner", "platform", "rest", "printed", "unknown")
#: The kinds of group whose name is taken from another table, not from groups.csv.
NAMED_ELSEWHERE = ("owner", "platform")

SCHEMAS.update(
    {
        "owners": pa.DataFrameSchema(
            {
                "owner": _key(pa.Check.str_matches(SLUG)),
                "name": _key(),
                "short_name": _key(),
                "group": pa.Column(str, pa.Check.str_matches(r"^([a-z0-9]+(?:[-_][a-z0-9]+)*)?$")),
                "group_name": _free(),
                "group_adjective": _free(),
                "name_from": _iso(),
                "name_to": _iso(optional=True),
                "flag": _key(pa.Check.isin(["V", "U"])),
                "source": _key(),
            },
            checks=[
                _valid_dates("name_from", "name_to"),
                pa.Check(
                    lambda d: (d["name_to"] == "") | (d["name_from"] <= d["name_to"]),
                    error="name_from must not be after name_to",
                ),
                pa.Check(
                    lambda d: (
                        (d["group"] == "")
                        | ((d["group_name"] != "") & (d["group_adjective"] != ""))
                    ),
                    error="a name with a group needs the group's name and adjective",
                ),
            ],
        ),
        "groups": pa.DataFrameSchema(
            {
                "group": _key(pa.Check.str_matches(SLUG), unique=True),
                "kind": _key(pa.Check.isin(list(GROUP_KINDS))),
                "name": _free(),
            },
            checks=[
                pa.Check(
                    lambda d: d["kind"].isin(list(NAMED_ELSEWHERE)) != (d["name"] != ""),
                    error="a group of kind owner or platform has no name here (it is named in "
                    "owners.csv or platforms.csv); every other group needs one",
                )
            ],
        ),
        "places": pa.DataFrameSchema({"countries": _key(unique=True), "name": _key()}),
    }
)


LOADERS.update({name: partial(load_table, name) for name in ("owners", "groups", "places")})
load_groups = LOADERS["groups"]

#: What words.yaml must hold (section: keys).
WORDS_KEYS = {
    "source": (
        "returns",
        "provenance",
        "release",
        "release_unnamed",
        "published",
        "published_only",
        "published_only_unnamed",
        "line",
    ),
    "tipoffs": ("context_figure", "platform"),
}


def read_reference_yaml(path: Path, holds: str):
    """A YAML file of data/reference/ as plain data (``yaml.safe_load``); ``holds`` says what
    it holds, for the message when it is missing."""
    if not path.is_file():
        raise InputError(rel(path), "", "the file is missing", f"restore it from git: it {holds}")
    try:
        return load_yaml(path)
    except yaml.YAMLError as error:
        raise InputError(rel(path), "", f"not valid YAML: {error}", "fix the YAML syntax") from None


def load_words(reference_dir: Path | str = REFERENCE) -> dict:
    """words.yaml: the display words the findings put together (see the file), checked."""
    path = Path(reference_dir) / "words.yaml"
    words = read_reference_yaml(path, "holds the display words")
    for section, keys in WORDS_KEYS.items():
        have = words.get(section) if isinstance(words, dict) else None
        missing = [k for k in keys if not isinstance(have, dict) or k not in have]
        if missing:
            raise InputError(
                rel(path),
                f"section '{section}'",
                f"missing: {', '.join(missing)}",
                f"give {section} the keys {', '.join(keys)} (see the file's comments)",
            )
    for where, kinds in (
        ("source, provenance", words["source"].get("provenance")),
        ("returns, sentence", (words.get("returns") or {}).get("sentence")),
        ("returns, badge", (words.get("returns") or {}).get("badge")),
    ):
        missing = [k for k in ("simulated", "real", "mixed") if k not in (kinds or {})]
        if missing:
            raise InputError(
                rel(path),
                f"section '{where}'",
                f"missing: {', '.join(missing)}",
                "give it the keys simulated, real and mixed",
            )
    return words


def check_owners(tables: dict[str, pd.DataFrame], directory: Path) -> None:
    """Every owner of ownership.csv has names in owners.csv, no two of whose periods overlap;
    groups.csv lists the platform groups of the findings (:data:`~src.vocab.PLATFORM_GROUPS`)
    in order, one of kind owner (the group of every name in owners.csv), and each group of
    kind platform is a platform of platforms.csv."""
    owners, groups = tables["owners"], tables["groups"]
    _check_refers(
        tables["ownership"],
        "owner",
        set(owners["owner"]),
        directory / "ownership.csv",
        "owners.csv",
    )
    for owner, rows in owners.groupby("owner"):
        rows = rows.sort_values("name_from")
        ends = rows["name_to"].tolist()[:-1]
        starts = rows["name_from"].tolist()[1:]
        if any(end == "" or end >= start for end, start in zip(ends, starts, strict=True)):
            raise InputError(
                rel(directory / "owners.csv"),
                f"owner '{owner}'",
                "two of its names' periods overlap",
                "end each name (name_to) before the next one starts (name_from)",
            )
    file = rel(directory / "groups.csv")
    if tuple(groups["group"]) != tuple(PLATFORM_GROUPS):
        raise InputError(
            file,
            "column 'group'",
            f"the groups are {', '.join(groups['group'])}, but the findings lay out "
            f"{', '.join(PLATFORM_GROUPS)}",
            "list those groups, in that order (src/vocab.py PLATFORM_GROUPS)",
        )
    owner_groups = groups.loc[groups["kind"] == "owner", "group"].tolist()
    named = set(owners["group"]) - {""}
    if len(owner_groups) != 1 or named != set(owner_groups):
        raise InputError(
            file,
            "column 'kind'",
            f"the groups of kind owner ({', '.join(owner_groups) or 'none'}) are not the "
            f"groups owners.csv names ({', '.join(sorted(named)) or 'none'})",
            "mark one group kind owner, the group owners.csv names (an owner outside it "
            "leaves group blank)",
        )
    _check_refers(
        groups[groups["kind"] == "platform"],
        "group",
        set(tables["platforms"]["platform"]),
        directory / "groups.csv",
        "platforms.csv",
    )
