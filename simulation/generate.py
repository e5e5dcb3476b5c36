"""Simulated police FOI returns, drawn so that they reproduce the published figures.

No force's own return to the 2020 request has been published (only five South West rows were
printed, in a news story), so the returns in ``data/raw/waves/`` are SIMULATED. This module:

1. reads the targets from the wave's release figures (``data/raw/published/release_*.csv``;
   :mod:`simulation.targets`): nothing published is typed into this code;
2. draws TRUE counts, force x period x offence group x platform, plus counts whose platform
   was not recorded and a few rows that are not online at all (:func:`draw_truth`), near the
   published figures: an integer programme (scipy's HiGHS) finds the force x platform-group
   table nearest a random draw that meets the published counts; "other platforms" and the
   period and offence splits are then multinomial draws with fixed totals;
3. renders every return once to learn which cells are printed and which withheld, then moves
   the true counts of the printed cells as little as it can (a second, cell-level integer
   programme, :func:`simulation.convention.adjust_cells`) so that the printed cells, read under
   the declared counting convention (``data/raw/published/releases.csv``; see
   :mod:`simulation.convention`), give every published figure of the release: exact counts
   exactly, shares and worded statements at their published precision, except those the
   release's own figures contradict. Which cells are withheld does not change;
4. writes each force's return from the adjusted truth as that force might have sent it (CSV
   in several encodings and layouts, XLSX, PDF letters, record-level extracts, refusal
   letters), withholding small cells in the force's own convention, a reading spec for each
   (:func:`render_force`), and the ground truth beside them (:mod:`simulation.truthfile`);
5. checks the written returns (:func:`simulation.convention.check_convention`, and
   :func:`simulation.convention.check_cells`: withheld cells' true counts in range, totals
   the sums of their cells). If no cells meet the release, or a check fails, the draw is
   repeated with the next seed offset.

A benchmark wave (``scale`` other than 1) has no release: its true counts hit its scaled
targets (:func:`check_corpus`) and no cell-level programme runs.

:func:`simulate_wave` does all of this for one wave into any folder (the benchmark uses it for
bigger corpora); :func:`write_corpus` regenerates the repository's own files, byte for byte, and
is what ``python -m simulation`` runs. ``make`` never runs it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from simulation.convention import (
    adjust_cells,
    check_cells,
    check_convention,
    convention_table,
    counted_cells,
    read_figures,
)
from simulation.targets import (
    GROUP_COLUMNS,
    GROUP_PLATFORMS,
    NATIONAL_GROUPS,
    OTHER,
    Targets,
    check_targets,
    read_targets,
    region_fb_targets,
    share_floor,
)
from simulation.truthfile import TRUTH_CONTENT, TRUTH_FILE, truth_csv
from simulation.waves import CONFIGS, WaveConfig
from src.data.manifest import update_manifest
from src.errors import shown
from src.helpers import RAW, REFERENCE, write_many, write_text

WAVE = "2019-10_2020-09"  # the wave of the benchmark's corpora and the default wave
MAX_SEED_OFFSETS = 40
GROUPS = ("online_sexual", "indecent_images")
UNKNOWN = "unknown"
FACEBOOK_OWNER = "facebook_inc"
PDF_ROW_MM = 6.5
MARGIN = 0.05  # (benchmark waves) a midpoint share's distance from a rounding boundary, points
SIMULATED_NOTE = "SIMULATED return, generated for testing: not issued by {name}."

# The platforms the request named (West Midlands Police disclosure log 1148A/20), in its order.
REQUEST_PLATFORMS = (
    "facebook_messenger",
    "instagram",
    "whatsapp",
    "snapchat",
    "imessage",
    "telegram",
    "signal",
    "twitch",
    "online_gaming",
    "kik",
    "twitter",
    "skype",
    "tiktok",
    "facetime",
    "discord",
    "omegle",
)
EXTRA_PLATFORMS = ("youtube", "sms_text", "email", "dating_app")
OTHER_ROW = "other_website_or_app"

# Simulation parameters (assumptions, not data). How "other platforms" split over named apps:
# Snapchat largest, then gaming, texts and the rest.
OTHER_SPLIT = {
    "snapchat": 0.44,
    "online_gaming": 0.08,
    "sms_text": 0.07,
    "tiktok": 0.06,
    "kik": 0.05,
    OTHER_ROW: 0.05,
    "twitter": 0.035,
    "skype": 0.03,
    "discord": 0.03,
    "omegle": 0.03,
    "youtube": 0.02,
    "email": 0.02,
    "dating_app": 0.02,
    "telegram": 0.012,
    "imessage": 0.012,
    "facetime": 0.01,
    "signal": 0.005,
    "twitch": 0.005,
}
# Share of a platform's instances that are Q1 (sexual offences) rather than Q2 (images).
Q1_SHARE = {"whatsapp": 0.55, "kik": 0.5, "telegram": 0.4, "email": 0.45, "online_gaming": 0.85}
Q1_SHARE_DEFAULT = 0.74
# Rough relative sizes of the force areas (about a population in 100,000s): weights only.
FORCE_WEIGHT = {
    "avon-and-somerset": 17,
    "bedfordshire": 6.7,
    "cambridgeshire": 8.5,
    "cheshire": 10.5,
    "cleveland": 5.7,
    "cumbria": 5,
    "derbyshire": 10.5,
    "devon-and-cornwall": 17.5,
    "dorset": 7.7,
    "durham": 6.4,
    "dyfed-powys": 5,
    "essex": 18,
    "gloucestershire": 6.3,
    "greater-manchester": 28,
    "gwent": 6,
    "hertfordshire": 12,
    "jersey": 1.1,
    "lancashire": 15,
    "leicestershire": 11,
    "merseyside": 14,
    "norfolk": 9,
    "north-wales": 7,
    "north-yorkshire": 8.2,
    "northumbria": 15,
    "nottinghamshire": 11.5,
    "south-wales": 13,
    "staffordshire": 11,
    "suffolk": 7.6,
    "surrey": 12,
    "sussex": 17,
    "warwickshire": 5.7,
    "west-mercia": 13,
    "west-midlands": 29,
    "west-yorkshire": 23,
    "wiltshire": 7.2,
}

# ---------------------------------------------------------------------------------------------
# Reference data and targets
# ---------------------------------------------------------------------------------------------


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@dataclass(frozen=True)
class Wave:
    """One annual request: its id, its dates, the periods it is counted in (periods.csv: id ->
    first and last day, in order) and what differs between waves (:mod:`simulation.waves`)."""

    wave: str
    start: dt.date
    end: dt.date
    periods: dict[str, tuple[dt.date, dt.date]]
    config: WaveConfig

    @property
    def file_created(self) -> dt.datetime:
        """The fixed date inside XLSX and PDF files, so that they are the same bytes each run."""
        return self.config.file_created

    @property
    def file_created_utc(self) -> dt.datetime:
        return self.config.file_created.replace(tzinfo=dt.UTC)

    def quarters(self, extra: int = 0) -> list[tuple[dt.date, dt.date]]:
        """The wave's four quarters, plus ``extra`` quarters after it."""
        out, start = [], self.start
        for _ in range(4 + extra):
            end = _add_months(start, 3) - dt.timedelta(days=1)
            out.append((start, end))
            start = end + dt.timedelta(days=1)
        return out


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def period_id(period: tuple[dt.date, dt.date]) -> str:
    """``YYYY-MM_YYYY-MM``: a period's first and last month (as periods.csv names it)."""
    return f"{period[0]:%Y-%m}_{period[1]:%Y-%m}"


def _config(wave: str) -> WaveConfig:
    """The wave's configuration; a wave without one (a benchmark wave) is drawn as 2019/20."""
    return CONFIGS.get(wave) or replace(CONFIGS[WAVE], wave=wave)


def load_wave(wave: str, reference_dir: Path = REFERENCE) -> Wave:
    """The wave's dates from ``waves.csv`` and its periods from ``periods.csv``; a wave not
    listed there (a benchmark wave) gets dates from its id, ``YYYY-MM_YYYY-MM``, split into two
    half-years."""
    waves = _read(Path(reference_dir) / "waves.csv")
    row = waves[waves["wave"] == wave]
    if len(row):
        r = row.iloc[0]
        periods = _read(Path(reference_dir) / "periods.csv")
        rows = periods[periods["wave"] == wave].sort_values("start")
        spans = {
            p: (dt.date.fromisoformat(a), dt.date.fromisoformat(b))
            for p, a, b in zip(rows["period"], rows["start"], rows["end"], strict=True)
        }
        start, end = dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"])
        return Wave(wave, start, end, spans, _config(wave))
    match = re.fullmatch(r"(\d{4})-(\d{2})_(\d{4})-(\d{2})", wave)
    if not match:
        raise ValueError(f"wave '{wave}' is not in waves.csv and is not YYYY-MM_YYYY-MM")
    y1, m1, y2, m2 = map(int, match.groups())
    start = dt.date(y1, m1, 1)
    end = _add_months(dt.date(y2, m2, 1), 1) - dt.timedelta(days=1)
    h2_start = _add_months(start, 6)
    halves = [(start, h2_start - dt.timedelta(days=1)), (h2_start, end)]
    return Wave(wave, start, end, {period_id(h): h for h in halves}, _config(wave))


def facebook_owned(reference_dir: Path, wave: Wave) -> tuple[str, ...]:
    """Platforms owned by Facebook, Inc. for the whole of the wave (from ownership.csv), each
    on its own (a column some returns print for several of them together is not one)."""
    own = _read(Path(reference_dir) / "ownership.csv")
    kinds = _read(Path(reference_dir) / "platforms.csv").set_index("platform")["kind"]
    held = own[
        (own["owner"] == FACEBOOK_OWNER)
        & (own["platform"].map(kinds) != "combined")
        & (own["owned_from"] <= wave.start.isoformat())
        & ((own["owned_to"] == "") | (own["owned_to"] >= wave.end.isoformat()))
    ]
    return tuple(sorted(held["platform"]))


# ---------------------------------------------------------------------------------------------
# Who answered, and how each force writes its return
# ---------------------------------------------------------------------------------------------

PRINTED_LABELS = {
    "instagram": ("Instagram", "Insta", "Instagram DM", "INSTAGRAM"),
    "facebook_messenger": (
        "Facebook/Messenger",
        "Facebook / Facebook Messenger",
        "FB Messenger",
        "Facebook Messenger",
        "Facebook or Facebook Messenger",
        "Facebook (inc Messenger)",
        "Facebook & Messenger",
    ),
    "whatsapp": ("WhatsApp", "Whats App", "Whatsapp", "WhatsApp Messenger"),
    "snapchat": ("Snapchat", "Snap Chat", "SnapChat", "Snap"),
    "tiktok": ("TikTok", "Tik Tok", "Tiktok"),
    "kik": ("Kik", "KIK", "Kik Messenger"),
    "online_gaming": (
        "Online gaming",
        "Online Gaming (Xbox/PlayStation)",
        "Gaming platform",
        "Online games",
    ),
    "twitter": ("Twitter",),
    "skype": ("Skype",),
    "discord": ("Discord",),
    "omegle": ("Omegle",),
    "telegram": ("Telegram",),
    "signal": ("Signal",),
    "imessage": ("iMessage", "I Message"),
    "facetime": ("FaceTime", "Face Time", "Facetime"),
    "twitch": ("Twitch",),
    "youtube": ("YouTube", "You Tube"),
    "sms_text": ("SMS/Text", "Text message", "SMS"),
    "email": ("Email", "E-mail"),
    "dating_app": ("Dating app", "Dating apps"),
    OTHER_ROW: (
        "Other",
        "Other website or app",
        "Other (please specify)",
        "Other apps/websites",
        "Other social media",
    ),
}
ALL_PLATFORMS = tuple(PRINTED_LABELS)


@dataclass(frozen=True)
class Style:
    """How one force writes its return. Fixed per force, whatever the seed."""

    fmt: str  # xlsx | csv_halves | csv_blocks | csv_long | csv_quarters | pdf | records
    ref: str  # request reference pattern, {n} is a number
    files: tuple[str, ...]  # file names; {ref} is the reference
    encoding: str = "utf-8"
    delimiter: str = ","
    marker: str | None = None  # printed in place of a small count
    hides_zero: bool = False  # the marker also stands for 0
    case: str = "as_is"  # as_is | upper | lower | trailing
    order: str = "request"  # request | alpha | count
    extras: tuple[str, ...] = ()
    omit_zero: bool = False  # rows that are zero in every column are left out
    lump: int = 10  # platforms seen fewer times in the year are counted in "Other"
    unknown_label: str | None = "Not known"
    exclude: tuple[str, ...] = ()
    total_label: str | None = "Total"
    label_header: str = "Platform"
    q_headers: tuple[str, str] = ("Q1 Sexual offences", "Q2 Indecent images")
    title: bool = True
    groups: tuple[str, ...] = GROUPS
    quote_request: bool = False  # a PDF letter that quotes the whole request first


_Q_CP1252 = ("Q1 – Sexual offences with an online element", "Q2 – Indecent image offences")
_Q_PLAIN = ("Sexual offences (online element)", "Indecent image offences")
_Q_SHORT = ("Q1", "Q2")

STYLES: dict[str, Style] = {
    # North West
    "cheshire": Style("xlsx", "FOI {n}", ("FOI {n} Response.xlsx",), marker="<5", case="trailing"),
    "cumbria": Style(
        "csv_halves",
        "FOI/{n}/20",
        ("FOI {n}-20 Oct19-Mar20.csv", "FOI {n}-20 Apr20-Sep20.csv"),
        marker="*",
        title=False,
        extras=("sms_text",),
    ),
    "greater-manchester": Style(
        "xlsx",
        "GMP-FOI-{n}-2020",
        ("{ref} Online CSA by platform.xlsx",),
        marker="*",
        hides_zero=True,
        extras=EXTRA_PLATFORMS,
        exclude=("Not online",),
        label_header="Method of communication",
        q_headers=_Q_PLAIN,
    ),
    "lancashire": Style(
        "csv_long",
        "LC-2020{n}",
        ("{ref} data.csv",),
        encoding="utf-8-sig",
        marker="1-4",
        order="alpha",
        unknown_label="Not recorded",
    ),
    "merseyside": Style(
        "pdf",
        "FOI {n}/20",
        ("FOI {n}-20 Response Letter.pdf",),
        marker="fewer than five",
        omit_zero=True,
        order="count",
        unknown_label="Method not recorded",
    ),
    # South West
    "avon-and-somerset": Style(
        "xlsx",
        "{n}-20",
        ("FOI {ref} Disclosure.xlsx",),
        marker="<5",
        hides_zero=True,
        case="upper",
        unknown_label="Unknown",
        extras=("youtube", "email"),
    ),
    "devon-and-cornwall": Style(
        "csv_blocks",
        "{n}/20",
        ("Response {ref}.csv",),
        encoding="cp1252",
        q_headers=_Q_CP1252,
        exclude=("In person (not online)",),
        unknown_label="Platform not recorded",
    ),
    "dorset": Style(
        "pdf",
        "{n}/20",
        ("Dorset FOI {ref} letter.pdf",),
        marker="<5",
        unknown_label=None,
        q_headers=_Q_SHORT,
    ),
    "gloucestershire": Style(
        "csv_halves",
        "FOI-{n}",
        ("{ref} H1.csv", "{ref} H2.csv"),
        delimiter=";",
        marker="<5",
        case="lower",
    ),
    "wiltshire": Style(
        "csv_long",
        "FOI/2020/{n}",
        ("FOI 2020-{n} response.csv",),
        marker="*",
        unknown_label=None,
        omit_zero=True,
    ),
    # West Midlands region
    "west-midlands": Style(
        "xlsx",
        "{n}A/20",
        ("FOI {n}A-20 Sexual offences by platform.xlsx",),
        marker="<5",
        extras=EXTRA_PLATFORMS,
        order="alpha",
        unknown_label="Not stated",
    ),
    "west-mercia": Style(
        "records",
        "WM-FOI-{n}",
        ("{ref} crime extract.csv",),
        encoding="utf-8-sig",
    ),
    "staffordshire": Style(
        "csv_halves",
        "FOI {n}",
        ("Staffs FOI {n} Oct-Mar.csv", "Staffs FOI {n} Apr-Sep.csv"),
        encoding="utf-8-sig",
        marker="fewer than five",
        case="trailing",
    ),
    "warwickshire": Style(
        "csv_blocks",
        "{n}/2020",
        ("Warwickshire {n} response.csv",),
        marker="*",
        hides_zero=True,
        omit_zero=True,
    ),
    # East of England
    "bedfordshire": Style(
        "csv_halves",
        "FOI {n}/20",
        ("BCH FOI {n} part 1.csv", "BCH FOI {n} part 2.csv"),
        encoding="cp1252",
        q_headers=_Q_CP1252,
        title=False,
        marker="<5",
    ),
    "cambridgeshire": Style(
        "xlsx",
        "FOI {n}/2020",
        ("FOI {n} 2020 response.xlsx",),
        marker="*",
        exclude=("Not online",),
        case="trailing",
    ),
    "essex": Style(
        "pdf",
        "PUB {n}",
        ("PUB {n} Final Response.pdf",),
        marker="<5",
        quote_request=True,
        order="count",
        omit_zero=True,
    ),
    "hertfordshire": Style(
        "csv_long",
        "BCH-{n}",
        ("FOI {n} Herts.csv",),
        encoding="utf-8-sig",
        marker="<5",
        hides_zero=True,
        unknown_label="Unknown",
    ),
    "norfolk": Style(
        "csv_blocks",
        "FOI {n}/20-21",
        ("FOI {n} response.csv",),
        encoding="cp1252",
        delimiter=";",
        q_headers=_Q_CP1252,
        marker="1-4",
    ),
    "suffolk": Style(
        "xlsx",
        "FOI {n}/20-21",
        ("Suffolk FOI {n} response.xlsx",),
        marker="1-4",
        case="upper",
    ),
    # Elsewhere
    "cleveland": Style(
        "csv_halves",
        "FOI {n}",
        ("Cleveland FOI {n} H1.csv", "Cleveland FOI {n} H2.csv"),
        marker="<5",
        title=False,
        order="alpha",
    ),
    "derbyshire": Style(
        "xlsx",
        "FOI-{n}-20",
        ("Derbyshire FOI {n}.xlsx",),
        marker="*",
        extras=("sms_text", "email"),
    ),
    "durham": Style(
        "csv_halves",
        "DC-FOI-{n}",
        ("FOI {n} Q1 only Oct-Mar.csv", "FOI {n} Q1 only Apr-Sep.csv"),
        marker="<5",
        groups=("online_sexual",),
        q_headers=("Q1 Sexual offences", ""),
    ),
    "dyfed-powys": Style(
        "csv_blocks",
        "DP-{n}-2020",
        ("Ymateb FOI {n} response.csv",),
        encoding="cp1252",
        q_headers=_Q_CP1252,
        marker="*",
    ),
    "gwent": Style(
        "csv_long",
        "{n}/20",
        ("Gwent FOI {n}.csv",),
        delimiter=";",
        marker="<5",
        unknown_label="Not known",
    ),
    "jersey": Style(
        "pdf",
        "FOI {n}",
        ("SOJP FOI {n} response.pdf",),
        marker="*",
        omit_zero=True,
        unknown_label="Unknown",
    ),
    "leicestershire": Style("records", "FOI {n}", ("FOI {n} extract.csv",)),
    "north-wales": Style(
        "csv_halves",
        "FOI {n}/20",
        ("NWP FOI {n} Hydref-Mawrth.csv", "NWP FOI {n} Ebrill-Medi.csv"),
        encoding="cp1252",
        q_headers=_Q_CP1252,
        marker="fewer than five",
    ),
    "north-yorkshire": Style(
        "xlsx",
        "{n}.2020-21",
        ("NYP FOI {n} response.xlsx",),
        marker="<5",
        exclude=("Not online",),
        extras=("youtube",),
    ),
    "northumbria": Style(
        "csv_blocks",
        "{n}/20",
        ("{n}-20 Online offences.csv",),
        marker="<5",
        extras=("sms_text",),
        case="trailing",
    ),
    "nottinghamshire": Style(
        "xlsx",
        "{n}/2020",
        ("Notts FOI {n} 2020 disclosure.xlsx",),
        marker="*",
        hides_zero=True,
        order="count",
    ),
    "south-wales": Style(
        "csv_halves",
        "FOI {n}",
        ("SWP FOI {n} Oct 19 - Mar 20.csv", "SWP FOI {n} Apr 20 - Sep 20.csv"),
        encoding="utf-8-sig",
        marker="*",
        title=False,
        unknown_label="Not recorded",
    ),
    "surrey": Style(
        "xlsx",
        "FOI {n}",
        ("Surrey FOI {n}.xlsx",),
        marker="<5",
        extras=("dating_app",),
        case="lower",
    ),
    "sussex": Style(
        "csv_long",
        "FOI {n}",
        ("Sussex FOI {n} long.csv",),
        marker="*",
        exclude=("Not online",),
    ),
    "west-yorkshire": Style(
        "csv_quarters",
        "FOI-{n}-20",
        ("WYP FOI {n} quarterly.csv",),
        marker="<5",
        unknown_label="Not known",
    ),
}

RECORD_COLUMNS = {
    "leicestershire": {
        "id": "Crime Reference",
        "date": "Date Recorded",
        "offence": "HO Code",
        "text": "Method of Contact",
        "date_format": "%d/%m/%Y",
        "extra": ("Offence Description", "Online Flag"),
    },
    "west-mercia": {
        "id": "URN",
        "date": "Recorded Date",
        "offence": "Home Office Classification",
        "text": "MO / Contact Method",
        "date_format": "%Y-%m-%d",
        "extra": ("Division",),
    },
}
# Offence codes in the extracts, with their weights within each offence group.
RECORD_CODES = {
    "online_sexual": {"71/17": 0.55, "22B": 0.18, "71": 0.1, "21": 0.07, "20B": 0.05, "19D": 0.05},
    "indecent_images": {"86/2": 0.7, "86/10": 0.3},
}
# West Mercia prints offence descriptions, not codes: the spec maps them to groups.
RECORD_DESCRIPTIONS = {
    "71/17": "Sexual communication with a child",
    "22B": "Sexual activity involving a child under 16",
    "71": "Abuse of children through sexual exploitation",
    "21": "Sexual activity involving a child under 13",
    "20B": "Sexual assault on a female child under 13",
    "19D": "Rape of a female child under 16",
    "86/2": "Take, make or distribute indecent photographs of children",
    "86/10": "Possess indecent photograph of a child",
}
# How a crime record's free text names each platform (checked against contact_keywords.csv).
MENTIONS = {
    "instagram": ("Instagram", "insta", "Instagram DMs"),
    "facebook_messenger": ("Facebook", "FB messenger", "Facebook Messenger", "Messenger"),
    "whatsapp": ("WhatsApp", "Whats app", "whatsapp video call"),
    "snapchat": ("Snapchat", "snap chat", "Snap"),
    "tiktok": ("TikTok", "Tik Tok"),
    "kik": ("Kik",),
    "online_gaming": ("Xbox live", "PlayStation chat", "Roblox", "Fortnite", "an online game"),
    "twitter": ("Twitter",),
    "skype": ("Skype",),
    "discord": ("Discord",),
    "omegle": ("Omegle",),
    "telegram": ("Telegram",),
    "signal": ("Signal app",),
    "imessage": ("iMessage",),
    "facetime": ("FaceTime",),
    "twitch": ("Twitch",),
    "youtube": ("YouTube",),
    "sms_text": ("text messages", "SMS"),
    "email": ("email",),
    "dating_app": ("a dating app", "Tinder", "Grindr"),
    OTHER_ROW: ("a website", "a chat room"),
}
ONE_APP = (
    "Suspect contacted IP via {a}",
    "Contact made on {a}",
    "Images requested over {a}",
    "IP groomed on {a}",
    "{a}",
)
TWO_APPS = ("Met on {a} then moved to {b}", "Contact via {a} and {b}", "{a} / {b}")
NO_APP = (
    "Online contact - platform not recorded",
    "Suspect made contact online, app not known",
    "Not known",
    "Contact via mobile phone, no further details",
    "Unknown social media",
)


def stable_int(*parts: object) -> int:
    """A number fixed by its arguments (not by the seed): for references and dates."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()
    return int(digest[:12], 16)


def force_rng(seed: int, force: str, purpose: str) -> np.random.Generator:
    """A generator for one force and purpose, independent of the order forces are drawn in."""
    return np.random.default_rng([seed, stable_int(force, purpose) % (2**32)])


def request_number(force: str, wave: str) -> int:
    """The number in the force's (simulated) reference for the request of ``wave``."""
    return 1000 + stable_int(force, wave, "ref") % 8000


def style_of(force: str, config: WaveConfig) -> Style:
    """How ``force`` writes its return in the wave of ``config``: its style, with the wave's
    file names and its references' years."""
    style = STYLES[force]
    files = config.files.get(force, style.files)
    return replace(
        style,
        ref=config.ref_pattern(style.ref),
        files=tuple(config.ref_pattern(f) for f in files),
    )


def request_ref(force: str, wave: str) -> str:
    """The force's (simulated) reference for the request of ``wave``."""
    config = _config(wave)
    pattern = style_of(force, config).ref if force in STYLES else "FOI {n}"
    return pattern.format(n=request_number(force, wave))


def request_dates(force: str, wave: Wave, outcome: str) -> tuple[dt.date, dt.date | None]:
    """When the request was sent (just after the wave ends, unless the wave says when) and when
    the force answered (never after the wave's ``answered_by``)."""
    config = wave.config
    asked = config.asked or wave.end + dt.timedelta(days=5)
    if outcome == "no_response":
        return asked, None
    days = 12 + stable_int(force, wave.wave, "answered") % 28
    if stable_int(force, "late") % 4 == 0:
        days += 30 + stable_int(force, "later") % 60
    if force == config.quarterly:  # it reports a quarter more, so it answered later
        days += 100
    answered = asked + dt.timedelta(days=days)
    if config.answered_by and answered > config.answered_by:
        answered = config.answered_by - dt.timedelta(days=stable_int(force, "by") % 10)
    return asked, answered


# ---------------------------------------------------------------------------------------------
# True counts
# ---------------------------------------------------------------------------------------------


@dataclass
class Truth:
    """True counts: ``counts`` has force, period, offence_group, platform, count (platform
    ``unknown`` for a count with no platform recorded); ``excluded`` has force, period,
    offence_group, label, count for rows that are not online platforms at all."""

    counts: pd.DataFrame
    excluded: pd.DataFrame


def _vocabulary(style: Style) -> tuple[str, ...]:
    return REQUEST_PLATFORMS + tuple(p for p in EXTRA_PLATFORMS if p in style.extras) + (OTHER_ROW,)


def _allocate(total: int, weights: Sequence[float], rng: np.random.Generator) -> np.ndarray:
    """``total`` split over the weights by a multinomial draw (sums to ``total`` exactly)."""
    p = np.asarray(weights, dtype=float)
    return rng.multinomial(total, p / p.sum())


def _known_totals(
    targets: Targets, forces: pd.DataFrame, data_forces: list[str], rng: np.random.Generator
) -> dict[str, int]:
    """Each data force's known total: its published total, else a share of its region's total
    (or of what the regions and the published forces outside them leave of the national
    total) by noisy size weights."""
    region_of = dict(zip(forces["force"], forces["release_region"], strict=True))
    totals: dict[str, int] = {
        f: targets.force_known[f] for f in data_forces if f in targets.force_known
    }
    blocks: dict[str, list[str]] = {}
    for f in data_forces:
        if f not in totals:
            # A force of a region with no published total is in the national remainder.
            region = region_of[f] if region_of[f] in targets.region_known else ""
            blocks.setdefault(region, []).append(f)
    for region in sorted(blocks):
        members = blocks[region]
        if region:
            fixed = sum(totals.get(f, 0) for f in data_forces if region_of[f] == region)
            total = targets.region_known[region] - fixed
        else:
            outside = sum(n for f, n in totals.items() if region_of[f] not in targets.region_known)
            total = targets.national_known - sum(targets.region_known.values()) - outside
        weights = [FORCE_WEIGHT.get(f, 5.0) * rng.lognormal(0, 0.25) for f in members]
        for f, n in zip(members, _allocate(total, weights, rng), strict=True):
            totals[f] = int(n)
    return totals


def _fit_platform_table(
    targets: Targets,
    data_forces: list[str],
    region_of: Mapping[str, str],
    known: Mapping[str, int],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Force x (Instagram, Facebook or Messenger, WhatsApp, other): the integer table nearest a
    random draw that meets every published constraint exactly (an integer programme)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    forces = list(data_forces)
    n_f, n_g = len(forces), len(NATIONAL_GROUPS)
    nat = np.array([targets.national[g] for g in NATIONAL_GROUPS], dtype=float)
    fb_split = nat[:3] / nat[:3].sum()
    # Expected Facebook-owned share of each block: regions with a share target, and the rest.
    fb_targets = region_fb_targets(targets, region_of, forces)
    regional_fb = {r: count for r, (count, fixed) in fb_targets.items() if not fixed}
    outside = [f for f in forces if region_of[f] not in regional_fb]
    fixed_fb = {f: targets.force_fb(f) for f in outside if targets.force_fb(f) is not None}
    rest = [f for f in outside if f not in fixed_fb]
    rest_known = sum(known[f] for f in rest)
    rest_fb = nat[:3].sum() - sum(regional_fb.values()) - sum(fixed_fb.values())
    expected = np.zeros((n_f, n_g))
    for i, f in enumerate(forces):
        r = region_of[f]
        phi = regional_fb[r] / targets.region_known[r] if r in regional_fb else rest_fb / rest_known
        if f in targets.force_share_above:  # "more than half": drawn a few points above
            phi = max(phi, targets.force_share_above[f] / 100 + 0.05)
        mean = np.append(phi * fb_split, 1 - phi)
        expected[i] = known[f] * rng.dirichlet(60 * mean + 0.5)
    n_x = n_f * n_g
    rows, rhs = [], []

    def eq(coeffs: dict[int, float], value: float) -> None:
        row = np.zeros(2 * n_x)
        for k, c in coeffs.items():
            row[k] = c
        rows.append(row)
        rhs.append(value)

    idx = {(i, j): i * n_g + j for i in range(n_f) for j in range(n_g)}
    for i, f in enumerate(forces):
        eq({idx[i, j]: 1 for j in range(n_g)}, known[f])
        for g, n in sorted(targets.force_counts.get(f, {}).items()):
            eq({idx[i, j]: 1 for j in GROUP_COLUMNS[g]}, n)
    for j in range(n_g):
        eq({idx[i, j]: 1 for i in range(n_f)}, nat[j])
    for r, fb in sorted(regional_fb.items()):
        members = [i for i, f in enumerate(forces) if region_of[f] == r]
        if r in targets.region_platform:  # each platform's count (they add to the group's)
            for g, n in sorted(targets.region_platform[r].items()):
                eq({idx[i, NATIONAL_GROUPS.index(g)]: 1 for i in members}, n)
            continue
        eq({idx[i, j]: 1 for i in members for j in range(3)}, fb)
    a_eq = np.array(rows)
    # A force's published "more than N%" of the owner group: a floor on its count.
    floors = [
        (forces.index(f), share_floor(share, known[f]))
        for f, share in sorted(targets.force_share_above.items())
    ]
    # |x - expected| <= d, written as x - d <= expected and -x - d <= -expected.
    flat = expected.ravel()
    eye = np.eye(n_x)
    a_abs = np.vstack([np.hstack([eye, -eye]), np.hstack([-eye, -eye])])
    constraints = [
        LinearConstraint(a_eq, np.array(rhs), np.array(rhs)),
        LinearConstraint(a_abs, -np.inf, np.concatenate([flat, -flat])),
    ]
    if floors:
        a_ge = np.zeros((len(floors), 2 * n_x))
        for k, (i, _) in enumerate(floors):
            a_ge[k, [idx[i, j] for j in range(3)]] = 1
        constraints.append(LinearConstraint(a_ge, np.array([n for _, n in floors]), np.inf))
    cost = np.concatenate([np.zeros(n_x), 1 / np.sqrt(flat + 1)])
    integrality = np.concatenate([np.ones(n_x), np.zeros(n_x)])
    result = milp(
        cost,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(0, np.inf),
        options={"time_limit": 60},
    )
    if result.x is None:
        raise RuntimeError(f"no table meets the published constraints: {result.message}")
    table = np.round(result.x[:n_x]).reshape(n_f, n_g).astype(int)
    if not np.allclose(a_eq[:, :n_x] @ table.ravel(), rhs):
        raise RuntimeError("the fitted table does not meet the constraints exactly")
    if any(table[i, :3].sum() < n for i, n in floors):
        raise RuntimeError("the fitted table does not meet a force's published share")
    return pd.DataFrame(table, index=forces, columns=list(NATIONAL_GROUPS))


def vary_table(table: pd.DataFrame, size: float, rng: np.random.Generator) -> pd.DataFrame:
    """Each cell of a force x platform-group table drawn afresh: negative binomial with the
    cell as its mean and variance mean + mean^2 / ``size`` (for the simulation study)."""
    mean = table.to_numpy(float)
    draw = rng.negative_binomial(size, size / (size + mean))
    return pd.DataFrame(draw, index=table.index, columns=table.columns)


def draw_truth(
    targets: Targets,
    forces: pd.DataFrame,
    data_forces: list[str],
    seed: int,
    fb_owned: Sequence[str],
    wave: Wave,
    spread: float | None = None,
) -> Truth:
    """Draw the true counts for every data force, in each of the wave's periods (see the
    module docstring). With ``spread``, the force x platform-group table that meets the release
    is only the expectation: each of its cells is drawn afresh (:func:`vary_table`, size
    ``spread``, a stream of its own), so the truth no longer meets the release."""
    if tuple(sorted(fb_owned)) != tuple(sorted(NATIONAL_GROUPS[:3])):
        raise ValueError(f"Facebook-owned platforms {fb_owned} differ from the published groups")
    rng = np.random.default_rng([seed, 0])
    region_of = dict(zip(forces["force"], forces["release_region"], strict=True))
    known = _known_totals(targets, forces, data_forces, rng)
    table = _fit_platform_table(targets, data_forces, region_of, known, rng)
    if spread is not None:
        table = vary_table(table, spread, np.random.default_rng([seed, 1]))
    rows, excluded = [], []
    for force in data_forces:
        style = STYLES[force]
        frng = force_rng(seed, force, "truth")
        others = [p for p in _vocabulary(style) if p not in fb_owned]
        base = np.array([OTHER_SPLIT[p] for p in others])
        split = frng.multinomial(
            int(table.loc[force, OTHER]), frng.dirichlet(150 * base / base.sum())
        )
        by_platform = {p: int(table.loc[force, p]) for p in NATIONAL_GROUPS[:3]}
        by_platform.update({p: int(n) for p, n in zip(others, split, strict=True)})
        # Platforms the force saw fewer than ``lump`` times are counted in its "Other" row.
        for platform in others[:-1]:
            if by_platform[platform] < style.lump:
                by_platform[OTHER_ROW] += by_platform.pop(platform)
        listed = [p for p in _vocabulary(style) if p in by_platform]
        periods = list(wave.periods)
        if len(periods) == 2:  # two half-years: the first holds 42% to 52% of the year
            h1 = frng.uniform(0.42, 0.52)
            weights = [h1, 1 - h1]
        else:  # otherwise by the days of each period
            days = [(b - a).days + 1 for a, b in wave.periods.values()]
            weights = [d / sum(days) for d in days]
        q_noise = frng.normal(0, 0.04)
        cells: dict[tuple[str, str], dict[str, int]] = {}
        for platform in listed:
            if style.groups == ("online_sexual",):
                q1 = 1.0
            else:
                q1 = float(np.clip(Q1_SHARE.get(platform, Q1_SHARE_DEFAULT) + q_noise, 0.05, 0.98))
            p = [w * share for w in weights for share in (q1, 1 - q1)]
            draw = frng.multinomial(by_platform[platform], p)
            for k, (period, group) in enumerate((h, g) for h in periods for g in GROUPS):
                cells.setdefault((period, group), {})[platform] = int(draw[k])
        unknown_rate = frng.uniform(0.08, 0.8)
        reports_unknown = style.unknown_label is not None or style.fmt == "records"
        for (period, group), plats in cells.items():
            for platform, n in plats.items():
                rows.append((force, period, group, platform, n))
            active = group in style.groups
            n_unknown = frng.poisson(sum(plats.values()) * unknown_rate) if active else 0
            rows.append((force, period, group, UNKNOWN, int(n_unknown) if reports_unknown else 0))
            for label in style.exclude:
                lam = 1.5 + stable_int(force, label) % 4
                excluded.append(
                    (force, period, group, label, int(frng.poisson(lam)) if active else 0)
                )
    counts = pd.DataFrame(rows, columns=["force", "period", "offence_group", "platform", "count"])
    excl = pd.DataFrame(excluded, columns=["force", "period", "offence_group", "label", "count"])
    return Truth(counts, excl)


# ---------------------------------------------------------------------------------------------
# Writing the returns
# ---------------------------------------------------------------------------------------------


def _long_date(day: dt.date) -> str:
    """``1 October 2019``."""
    return f"{day.day} {day:%B %Y}"


def _month(day: dt.date) -> str:
    return day.strftime("%b %Y")


def period_label(period: tuple[dt.date, dt.date]) -> str:
    """``Oct 2019 - Mar 2020``: used for sheet names and period columns."""
    return f"{_month(period[0])} - {_month(period[1])}"


def quarter_label(period: tuple[dt.date, dt.date]) -> str:
    """``Oct-Dec 2019``."""
    return f"{period[0]:%b}-{period[1]:%b %Y}"


@dataclass
class Output:
    """What one force produced: files (path under the wave folder -> bytes), the spec, the
    ledger of every printed cell, and the manifest columns of each file."""

    files: dict[str, bytes] = field(default_factory=dict)
    spec: dict | None = None
    ledger: list[dict] = field(default_factory=list)
    meta: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Row:
    label: str
    kind: str  # platform | unknown | excluded | total
    key: str  # platform slug, or the label for an excluded or total row
    values: dict[str, int]


def _printed_label(force: str, platform: str, style: Style, position: int) -> str:
    variants = PRINTED_LABELS[platform]
    label = variants[(stable_int(force, "labels") + ALL_PLATFORMS.index(platform)) % len(variants)]
    if style.case == "upper":
        return label.upper()
    if style.case == "lower":
        return label.lower()
    if style.case == "trailing" and position % 3 == 1:
        return label + "  "
    return label


Cells = dict[str, dict[str, int]]  # platform (or label) -> offence group -> count


def _wide_rows(
    force: str, style: Style, platforms: Sequence[str], cells: Cells, excluded: Cells
) -> list[Row]:
    """The rows of one period's table, in the force's order, with a total row at the end."""
    groups = style.groups

    def values(source: Cells, key: str) -> dict[str, int]:
        return {g: int(source.get(key, {}).get(g, 0)) for g in groups}

    named = [Row("", "platform", p, values(cells, p)) for p in platforms if p != OTHER_ROW]
    if style.order == "alpha":
        named.sort(key=lambda r: PRINTED_LABELS[r.key][0].lower())
    elif style.order == "count":
        named.sort(key=lambda r: -sum(r.values.values()))
    rows = [*named, Row("", "platform", OTHER_ROW, values(cells, OTHER_ROW))]
    if style.unknown_label:
        rows.append(Row(style.unknown_label, "unknown", UNKNOWN, values(cells, UNKNOWN)))
    rows += [Row(label, "excluded", label, values(excluded, label)) for label in style.exclude]
    if style.omit_zero:
        rows = [r for r in rows if any(r.values.values())]
    for i, row in enumerate(rows):
        if row.kind == "platform":
            row.label = _printed_label(force, row.key, style, i)
    if style.total_label:
        total = {g: sum(r.values[g] for r in rows) for g in groups}
        rows.append(Row(style.total_label, "total", style.total_label, total))
    return rows


def _cell(style: Style, value: int, kind: str) -> tuple[object, int, int]:
    """What the force prints for ``value`` and the bounds a reader can infer from it."""
    small = 1 <= value <= 4 or (style.hides_zero and value == 0)
    if style.marker and small and kind != "total":
        return style.marker, (0 if style.hides_zero else 1), 4
    return value, value, value


def _ledger(
    force: str,
    path: str,
    period: tuple[dt.date, dt.date],
    rows: list[Row],
    style: Style,
    place=None,
) -> list[dict]:
    """One entry per printed cell; ``place(k, group)`` names where the ``k``-th row's cell of
    ``group`` is, as the cleaning names places."""
    out = []
    for k, row in enumerate(rows):
        for group in style.groups:
            printed, lower, upper = _cell(style, row.values[group], row.kind)
            out.append(
                {
                    "force": force,
                    "file": path,
                    "place": place(k, group) if place else "",
                    "period_start": period[0],
                    "period_end": period[1],
                    "offence_group": group,
                    "kind": row.kind,
                    "key": row.key,
                    "label": row.label,
                    "true": row.values[group],
                    "printed": str(printed),
                    "lower": lower,
                    "upper": upper,
                }
            )
    return out


def _withheld_spec(style: Style) -> dict:
    if not style.marker:
        return {}
    return {"withheld": {style.marker: [0 if style.hides_zero else 1, 4]}}


def _withheld_note(style: Style) -> str:
    if not style.marker:
        return "All counts are printed, however small."
    zero = "0 to 4 (zeros are hidden too)" if style.hides_zero else "1 to 4"
    return f"Counts of {zero} are printed as '{style.marker}'."


def _table_spec(style: Style, rows: list[Row], header: list[str]) -> dict:
    spec: dict = {
        "layout": "wide",
        "label_column": header[0],
        "offence_columns": {h: g for h, g in zip(header[1:], style.groups, strict=True)},
    }
    totals = [r.label for r in rows if r.kind == "total"]
    excluded = {r.label: "not an online platform" for r in rows if r.kind == "excluded"}
    if totals:
        spec["total_labels"] = totals
    if excluded:
        spec["exclude_labels"] = excluded
    return spec


def _header(style: Style) -> list[str]:
    return [style.label_header, *style.q_headers[: len(style.groups)]]


def _line_place(header_row: int, header: list[str], style: Style):
    """Where a wide CSV table's cell is: the line (the header's is ``header_row``) and the
    column's header."""

    def place(k: int, group: str) -> str:
        return f"line {header_row + 1 + k}, column '{header[1 + style.groups.index(group)]}'"

    return place


def _csv_bytes(rows: list[list], style: Style) -> bytes:
    width = max(len(r) for r in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([*row, *[""] * (width - len(row))])
    return buffer.getvalue().encode(style.encoding)


def _title(name: str, ref: str, style: Style) -> str:
    dash = "–" if style.encoding == "cp1252" else "-"
    return f"{name} {dash} Freedom of Information request {ref}"


def _render_csv_halves(ctx: _Context) -> None:
    style, wave = ctx.style, ctx.wave
    for (pid, period), file_name in zip(wave.periods.items(), style.files, strict=True):
        rows = ctx.rows(pid)
        header = _header(style)
        lines: list[list] = []
        if style.title:
            lines += [[_title(ctx.name, ctx.ref, style)], [SIMULATED_NOTE.format(name=ctx.name)]]
            lines += [[f"Period: {period_label(period)}"], []]
        header_row = len(lines) + 1
        lines.append(header)
        lines += [
            [r.label, *[_cell(style, r.values[g], r.kind)[0] for g in style.groups]] for r in rows
        ]
        last_row = len(lines)
        lines += [[], [_withheld_note(style)]]
        path = ctx.file_path(style.files.index(file_name))
        ctx.add_file(path, _csv_bytes(lines, style), "csv", "return", period)
        table = {"where": {"header_row": header_row, "last_row": last_row}}
        table.update(_table_spec(style, rows, header))
        table["period"] = list(period)
        ctx.add_spec_file(path, "csv", [table])
        ctx.ledger += _ledger(
            ctx.force, path, period, rows, style, _line_place(header_row, header, style)
        )


def _render_csv_blocks(ctx: _Context) -> None:
    style, wave = ctx.style, ctx.wave
    lines: list[list] = [[_title(ctx.name, ctx.ref, style)], [SIMULATED_NOTE.format(name=ctx.name)]]
    tables, all_rows = [], []
    path = ctx.file_path()
    for pid, period in wave.periods.items():
        rows = ctx.rows(pid)
        header = _header(style)
        lines += [[], [period_label(period)]]
        header_row = len(lines) + 1
        lines.append(header)
        lines += [
            [r.label, *[_cell(style, r.values[g], r.kind)[0] for g in style.groups]] for r in rows
        ]
        table = {"where": {"header_row": header_row, "last_row": len(lines)}}
        table.update(_table_spec(style, rows, header))
        table["period"] = list(period)
        tables.append(table)
        all_rows.append((period, rows, _line_place(header_row, header, style)))
    lines += [[], [_withheld_note(style)]]
    ctx.add_file(path, _csv_bytes(lines, style), "csv", "return", (wave.start, wave.end))
    ctx.add_spec_file(path, "csv", tables)
    for period, rows, place in all_rows:
        ctx.ledger += _ledger(ctx.force, path, period, rows, style, place)


def _render_csv_long(ctx: _Context, quarterly: bool = False) -> None:
    style, wave = ctx.style, ctx.wave
    columns = ["Period", "Offence", "Platform", "Count"]
    offence_names = dict(zip(style.groups, _Q_SHORT, strict=False))
    periods = ctx.quarter_periods() if quarterly else list(wave.periods.values())
    label = quarter_label if quarterly else period_label
    lines: list[list] = [columns]
    path = ctx.file_path()
    for period in periods:
        rows = ctx.period_rows(period)
        at: dict[tuple[int, str], int] = {}
        for group in style.groups:
            for k, r in enumerate(rows):
                printed = _cell(style, r.values[group], r.kind)[0]
                lines.append([label(period), offence_names[group], r.label, printed])
                at[k, group] = len(lines)
        ctx.ledger += _ledger(
            ctx.force,
            path,
            period,
            rows,
            style,
            lambda k, g, at=at: f"line {at[k, g]}, column 'Count'",
        )
    table: dict = {
        "where": {"header_row": 1},
        "layout": "long",
        "columns": {
            "label": "Platform",
            "offence": "Offence",
            "period": "Period",
            "count": "Count",
        },
        "offence_values": {offence_names[g]: g for g in style.groups},
        "period_values": {label(p): list(p) for p in periods},
    }
    if style.total_label:
        table["total_labels"] = [style.total_label]
    if style.exclude:
        table["exclude_labels"] = dict.fromkeys(style.exclude, "not an online platform")
    covered = (periods[0][0], periods[-1][1])
    ctx.add_file(path, _csv_bytes(lines, style), "csv", "return", covered)
    note = None
    if quarterly:
        note = (
            f"The force answered by quarter from {covered[0]:%B %Y} to {covered[1]:%B %Y}; the "
            "last quarter is outside the wave."
        )
    ctx.add_spec_file(path, "csv", [table], note=note)


def _render_xlsx(ctx: _Context) -> None:
    import xlsxwriter

    style, wave = ctx.style, ctx.wave
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties(
        {"created": wave.file_created, "title": f"FOI {ctx.ref}", "author": ctx.name, "company": ""}
    )
    bold = book.add_format({"bold": True})
    merged = book.add_format({"bold": True, "align": "center", "border": 1})
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True})
    path = ctx.file_path()
    tables = []
    for pid, period in wave.periods.items():
        rows = ctx.rows(pid)
        header = _header(style)
        sheet_name = period_label(period)
        sheet = book.add_worksheet(sheet_name)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(header), 22)
        sheet.write(0, 0, f"Freedom of Information request {ctx.ref}", bold)
        sheet.write(1, 0, f"{ctx.name}: child sexual offences with an online element, by platform")
        sheet.write(2, 0, SIMULATED_NOTE.format(name=ctx.name))
        if len(header) > 2:
            sheet.merge_range(4, 1, 4, len(header) - 1, "Number of instances", merged)
        else:
            sheet.write(4, 1, "Number of instances", merged)
        for c, text in enumerate(header):
            sheet.write(5, c, text, head)
        for r, row in enumerate(rows, start=6):
            sheet.write(r, 0, row.label, bold if row.kind == "total" else None)
            for c, group in enumerate(style.groups, start=1):
                printed = _cell(style, row.values[group], row.kind)[0]
                if isinstance(printed, str):
                    sheet.write_string(r, c, printed)
                else:
                    sheet.write_number(r, c, printed)
        last_row = 6 + len(rows)
        sheet.write(last_row + 1, 0, _withheld_note(style))
        sheet.write(last_row + 2, 0, "Each offence is counted once for every platform recorded.")
        table = {"where": {"sheet": sheet_name, "header_row": 6, "last_row": last_row}}
        table.update(_table_spec(style, rows, header))
        table["period"] = list(period)
        tables.append(table)

        def place(k, group, name=sheet_name):
            column = chr(ord("A") + 1 + style.groups.index(group))
            return f"sheet '{name}', row {7 + k}, column {column}"

        ctx.ledger += _ledger(ctx.force, path, period, rows, style, place)
    book.close()
    ctx.add_file(path, buffer.getvalue(), "xlsx", "return", (wave.start, wave.end))
    ctx.add_spec_file(path, "xlsx", tables)


def _pdf(ctx: _Context):
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(ctx.wave.file_created_utc)
    pdf.set_title(f"FOI {ctx.ref}")
    pdf.set_author(ctx.name)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.cell(0, 8, ctx.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, "Freedom of Information Unit", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, SIMULATED_NOTE.format(name=ctx.name), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    answered = ctx.answered.strftime("%d %B %Y") if ctx.answered else ""
    pdf.cell(0, 6, f"Our reference: {ctx.ref}    Date: {answered}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    return pdf


def _paragraph(pdf, text: str) -> None:
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _render_pdf(ctx: _Context) -> None:
    style, wave = ctx.style, ctx.wave
    pdf = _pdf(ctx)
    _paragraph(
        pdf,
        "Thank you for your request for the number of sexual offences against children under 18 "
        "with an online element, and of indecent image offences against children under 18, "
        f"recorded between {_long_date(wave.start)} and {_long_date(wave.end)}, by the platform "
        "used.",
    )
    if style.quote_request:
        _paragraph(pdf, "Your request read:")
        pdf.set_font("Helvetica", style="I", size=10)
        _paragraph(pdf, wave.config.request_quote)
        pdf.set_font("Helvetica", size=10)
    _paragraph(
        pdf,
        "We hold the information. An offence is counted once for each platform recorded, so the "
        "figures are instances rather than offences. " + _withheld_note(style),
    )
    path = ctx.file_path()
    tables, on_page = [], {}
    for number, (pid, period) in enumerate(wave.periods.items(), start=1):
        rows = ctx.rows(pid)
        header = _header(style)
        # A table starts on a new page when it would not fit (rows are about 7 mm high).
        if pdf.will_page_break(12 + PDF_ROW_MM * (len(rows) + 1)):
            pdf.add_page()
        page = pdf.page_no()
        on_page[page] = on_page.get(page, 0) + 1
        pdf.set_font("Helvetica", style="B", size=10)
        pdf.cell(0, 6, f"Table {number}: {period_label(period)}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        body = [
            [r.label.strip(), *[str(_cell(style, r.values[g], r.kind)[0]) for g in style.groups]]
            for r in rows
        ]
        with pdf.table(
            col_widths=(80, 45, 45)[: len(header)],
            text_align=("LEFT", "RIGHT", "RIGHT")[: len(header)],
            line_height=PDF_ROW_MM - 2,
        ) as table:
            for line in [header, *body]:
                cells = table.row()
                for text in line:
                    cells.cell(text)
        if pdf.page_no() != page:
            raise RuntimeError(f"{path}: table {number} runs over a page break")
        pdf.ln(4)
        spec = {"where": {"page": page, "table": on_page[page], "header_row": 1}}
        spec.update(_table_spec(style, rows, header))
        spec["period"] = list(period)
        tables.append(spec)

        def place(k, group, page=page, table=on_page[page], header=header):
            column = header[1 + style.groups.index(group)]
            return f"page {page}, table {table}, row {k + 2}, column '{column}'"

        ctx.ledger += _ledger(ctx.force, path, period, rows, style, place)
    pdf.set_font("Helvetica", size=10)
    _paragraph(pdf, "If you are not satisfied with this response you may ask for a review.")
    ctx.add_file(path, bytes(pdf.output()), "pdf", "return", (wave.start, wave.end))
    ctx.add_spec_file(path, "pdf", tables)


def _mention(platform: str, rng: np.random.Generator) -> str:
    options = MENTIONS[platform]
    return options[int(rng.integers(len(options)))]


def _crimes(
    cells: Cells, platforms: Sequence[str], rng: np.random.Generator, pair_share: float = 0.08
) -> list[tuple[str, list[str]]]:
    """Crimes (offence group, platforms named) whose platform instances are exactly ``cells``
    (one period): most name one platform, some two, those of unknown platform none."""
    crimes: list[tuple[str, list[str]]] = []
    for group in GROUPS:
        instances = [p for p in platforms for _ in range(cells.get(p, {}).get(group, 0))]
        rng.shuffle(instances)
        while instances:
            first = instances.pop()
            partner = next((k for k, p in enumerate(instances) if p != first), None)
            if partner is not None and rng.random() < pair_share:
                crimes.append((group, [first, instances.pop(partner)]))
            else:
                crimes.append((group, [first]))
        crimes += [(group, []) for _ in range(cells.get(UNKNOWN, {}).get(group, 0))]
    return crimes


def contact_text(apps: Sequence[str], rng: np.random.Generator) -> str:
    """A method-of-contact free text naming ``apps`` (none: the platform is not known)."""
    if not apps:
        return NO_APP[int(rng.integers(len(NO_APP)))]
    if len(apps) == 1:
        template = ONE_APP[int(rng.integers(len(ONE_APP)))]
        return template.format(a=_mention(apps[0], rng))
    template = TWO_APPS[int(rng.integers(len(TWO_APPS)))]
    return template.format(a=_mention(apps[0], rng), b=_mention(apps[1], rng))


def load_keywords(reference_dir: Path = REFERENCE) -> list[tuple[re.Pattern, str]]:
    """The contact keyword patterns, compiled (case-insensitive)."""
    kw = _read(Path(reference_dir) / "contact_keywords.csv")
    return [
        (re.compile(p, re.IGNORECASE), plat)
        for p, plat in zip(kw["pattern"], kw["platform"], strict=True)
    ]


def classify_text(text: str, keywords: list[tuple[re.Pattern, str]]) -> set[str]:
    """The platforms a free text names: every platform whose pattern matches."""
    return {platform for pattern, platform in keywords if pattern.search(text)}


def _record_rows(
    force: str,
    crimes: list[tuple[str, list[str], dt.date]],
    rng: np.random.Generator,
    keywords: list[tuple[re.Pattern, str]] | None,
) -> list[list]:
    cols = RECORD_COLUMNS.get(force, RECORD_COLUMNS["leicestershire"])
    out = []
    for k, (group, apps, day) in enumerate(crimes):
        codes = RECORD_CODES[group]
        code = list(codes)[int(rng.choice(len(codes), p=list(codes.values())))]
        text = contact_text(apps, rng)
        if keywords is not None and classify_text(text, keywords) != set(apps):
            raise AssertionError(f"text '{text}' does not classify as {apps}")
        if force == "west-mercia":
            ref = f"22{day:%y}{k:06d}"
            offence = RECORD_DESCRIPTIONS[code]
            extra = [("North", "South", "West")[k % 3]]
        else:
            ref = f"LE/{k:07d}/{day:%y}"
            offence = code
            extra = [RECORD_DESCRIPTIONS[code], "Y"]
        out.append([ref, day.strftime(cols["date_format"]), offence, text, *extra])
    return out


def _record_table(force: str, rows: list[list]) -> list[list]:
    cols = RECORD_COLUMNS.get(force, RECORD_COLUMNS["leicestershire"])
    header = [cols["id"], cols["date"], cols["offence"], cols["text"], *cols["extra"]]
    if force == "west-mercia":
        return [header, *rows]
    # Leicestershire puts the free text last: id, date, code, description, online flag, text.
    order = [0, 1, 2, 4, 5, 3]
    return [[header[k] for k in order], *[[r[k] for k in order] for r in rows]]


def _random_day(period: tuple[dt.date, dt.date], rng: np.random.Generator) -> dt.date:
    span = (period[1] - period[0]).days
    return period[0] + dt.timedelta(days=int(rng.integers(span + 1)))


def _render_records(ctx: _Context) -> None:
    style, wave, force = ctx.style, ctx.wave, ctx.force
    rng = force_rng(ctx.seed, force, "records")
    crimes: list[tuple[str, list[str], dt.date]] = []
    for pid, period in wave.periods.items():
        cells = ctx.cells[pid]
        for group, apps in _crimes(cells, ctx.platforms, rng):
            crimes.append((group, apps, _random_day(period, rng)))
        for group in GROUPS:
            for platform in [*ctx.platforms, UNKNOWN]:
                n = cells.get(platform, {}).get(group, 0)
                ctx.ledger.append(_record_ledger(force, ctx, period, group, platform, n))
    # A few records from just outside the wave, and a few rows exported twice.
    outside = [wave.start - dt.timedelta(days=int(d)) for d in rng.integers(1, 20, size=4)]
    outside += [wave.end + dt.timedelta(days=int(d)) for d in rng.integers(1, 25, size=3)]
    for day in outside:
        group = GROUPS[int(rng.integers(2))]
        app = ALL_PLATFORMS[int(rng.integers(len(ALL_PLATFORMS)))]
        crimes.append((group, [app], day))
    order = sorted(range(len(crimes)), key=lambda k: (crimes[k][2], k))
    crimes = [crimes[k] for k in order]
    rows = _record_rows(force, crimes, rng, ctx.keywords)
    for k in sorted(rng.choice(len(rows), size=5, replace=False), reverse=True):
        rows.insert(int(k) + 1, list(rows[int(k)]))
    path = ctx.file_path()
    ctx.add_file(
        path,
        _csv_bytes(_record_table(force, rows), style),
        "csv",
        "records",
        (wave.start, wave.end),
    )
    cols = RECORD_COLUMNS[force]
    spec = {
        "path": path,
        "format": "records",
        "encoding": style.encoding,
        "delimiter": style.delimiter,
        "columns": {k: cols[k] for k in ("id", "date", "offence", "text")},
        "date_format": cols["date_format"],
        "note": (
            "One row per crime; the platform is in the free-text method of contact. A few rows "
            "are exported twice and a few are dated outside the wave."
        ),
    }
    if force == "west-mercia":
        spec["offence_values"] = {
            RECORD_DESCRIPTIONS[c]: g for g, codes in RECORD_CODES.items() for c in codes
        }
    ctx.spec_files.append(spec)


def _record_ledger(force, ctx, period, group, platform, n) -> dict:
    kind = "unknown" if platform == UNKNOWN else "platform"
    text = RECORD_COLUMNS[force]["text"]
    return {
        "force": force,
        "file": ctx.file_path(),
        "place": (
            f"column '{text}' of the records dated {period[0]} to {period[1]} (each record's "
            "line is in records.csv)"
        ),
        "period_start": period[0],
        "period_end": period[1],
        "offence_group": group,
        "kind": kind,
        "key": platform,
        "label": platform,
        "true": n,
        "printed": str(n),
        "lower": n,
        "upper": n,
    }


def _nest(frame: pd.DataFrame, key: str, periods: Sequence[str]) -> dict[str, Cells]:
    """``{period: {key: {offence_group: count}}}`` from a truth table."""
    out: dict[str, Cells] = {p: {} for p in periods}
    for period, k, group, n in zip(
        frame["period"], frame[key], frame["offence_group"], frame["count"], strict=True
    ):
        out[period].setdefault(k, {})[group] = int(n)
    return out


@dataclass
class _Context:
    """Everything a renderer needs for one force."""

    force: str
    name: str
    style: Style
    wave: Wave
    seed: int
    platforms: list[str]  # the platforms the force lists, in its vocabulary's order
    cells: dict[str, Cells]  # period -> platform -> offence group -> true count
    excluded: dict[str, Cells]  # period -> label -> offence group -> true count
    ref: str
    answered: dt.date | None
    keywords: list | None
    out: Output = field(default_factory=Output)
    spec_files: list[dict] = field(default_factory=list)
    _quarters: dict | None = None

    @property
    def ledger(self) -> list[dict]:
        return self.out.ledger

    @ledger.setter
    def ledger(self, value: list[dict]) -> None:
        self.out.ledger = value

    @property
    def ref_slug(self) -> str:
        return self.ref.replace("/", "-")

    @property
    def ref_number(self) -> int:
        return request_number(self.force, self.wave.wave)

    def file_path(self, index: int = 0) -> str:
        """The path (under the wave folder) of the force's ``index``-th file."""
        name = self.style.files[index].format(ref=self.ref_slug, n=self.ref_number)
        return f"{self.force}/{name}"

    def rows(self, period: str) -> list[Row]:
        """The rows of the force's table for one of the wave's periods (by its id)."""
        return _wide_rows(
            self.force, self.style, self.platforms, self.cells[period], self.excluded[period]
        )

    def quarter_periods(self) -> list[tuple[dt.date, dt.date]]:
        return self.wave.quarters(extra=1)

    def period_rows(self, period) -> list[Row]:
        """Rows for one of the wave's periods, or for a quarter (split from the wave's periods;
        the quarter after the wave is drawn afresh, as it is outside the true wave counts)."""
        for pid, p in self.wave.periods.items():
            if p == tuple(period):
                return self.rows(pid)
        if self._quarters is None:
            self._quarters = self._split_quarters()
        cells, excluded = self._quarters[tuple(period)]
        return _wide_rows(self.force, self.style, self.platforms, cells, excluded)

    def _split_quarters(self) -> dict:
        rng = force_rng(self.seed, self.force, "quarters")
        quarters = self.quarter_periods()
        out: dict = {q: ({}, {}) for q in quarters}
        for pid, (start, end) in self.wave.periods.items():
            inside = [q for q in quarters[:4] if start <= q[0] and q[1] <= end]
            if not inside or inside[0][0] != start or inside[-1][1] != end:
                raise ValueError(f"period {pid} of wave {self.wave.wave} is not whole quarters")
            for which, source in enumerate((self.cells[pid], self.excluded[pid])):
                for key in sorted(source):
                    for group in sorted(source[key]):
                        n = source[key][group]
                        if len(inside) == 2:  # a half-year: half and half, as drawn first
                            a = int(rng.binomial(n, 0.5))
                            parts = [a, n - a]
                        else:
                            parts = rng.multinomial(n, [1 / len(inside)] * len(inside))
                        for q, m in zip(inside, parts, strict=True):
                            out[q][which].setdefault(key, {})[group] = int(m)
        for which in (0, 1):
            last = out[quarters[3]][which]
            for key in sorted(last):
                for group in sorted(last[key]):
                    n = int(rng.poisson(last[key][group] * 1.1 + 0.2))
                    out[quarters[4]][which].setdefault(key, {})[group] = n
        return out

    def add_file(self, path: str, data: bytes, fmt: str, content: str, period) -> None:
        self.out.files[path] = data
        self.out.meta[path] = {
            "format": fmt,
            "content": content,
            "period_start": period[0].isoformat(),
            "period_end": period[1].isoformat(),
        }

    def add_spec_file(
        self, path: str, fmt: str, tables: list[dict], note: str | None = None
    ) -> None:
        spec: dict = {"path": path, "format": fmt}
        if fmt == "csv":
            spec["encoding"] = self.style.encoding
            spec["delimiter"] = self.style.delimiter
        spec.update(_withheld_spec(self.style))
        spec["note"] = note or _spec_note(self.style, fmt)
        spec["tables"] = tables
        self.spec_files.append(spec)


def _spec_note(style: Style, fmt: str) -> str:
    parts = [_withheld_note(style)]
    if style.encoding == "cp1252":
        parts.append("Saved in Windows-1252 (the headers contain an en dash).")
    if style.encoding == "utf-8-sig":
        parts.append("UTF-8 with a byte-order mark.")
    if style.delimiter == ";":
        parts.append("Semicolon-separated.")
    if style.omit_zero:
        parts.append("Platforms with no instances are left out.")
    if style.unknown_label is None and fmt != "records":
        parts.append("The force gives no count for instances whose platform was not recorded.")
    if style.groups == ("online_sexual",):
        parts.append("The force answered Q1 only.")
    return " ".join(parts)


RENDERERS = {
    "csv_halves": _render_csv_halves,
    "csv_blocks": _render_csv_blocks,
    "csv_long": _render_csv_long,
    "csv_quarters": lambda ctx: _render_csv_long(ctx, quarterly=True),
    "xlsx": _render_xlsx,
    "pdf": _render_pdf,
    "records": _render_records,
}


def render_force(ctx: _Context) -> Output:
    """Write one data force's return(s) and its reading spec."""
    RENDERERS[ctx.style.fmt](ctx)
    ctx.out.spec = {
        "force": ctx.force,
        "wave": ctx.wave.wave,
        "note": "SIMULATED return (python -m simulation); the format is in docs/architecture.md.",
        "files": ctx.spec_files,
    }
    return ctx.out


def plan_ledger(ctx: _Context) -> list[dict]:
    """The ledger of every cell the force's return would print, without writing the files
    (for the simulation study): the same rows, bounds and true counts as :func:`render_force`
    gives, without places."""
    style, wave, force = ctx.style, ctx.wave, ctx.force
    if style.fmt == "records":
        out = []
        for pid, period in wave.periods.items():
            for group in GROUPS:
                for platform in [*ctx.platforms, UNKNOWN]:
                    n = ctx.cells[pid].get(platform, {}).get(group, 0)
                    out.append(_record_ledger(force, ctx, period, group, platform, n))
        return out
    if style.fmt in ("csv_long", "csv_quarters"):
        quarterly = style.fmt == "csv_quarters"
        periods = ctx.quarter_periods() if quarterly else list(wave.periods.values())
        path = ctx.file_path()
        return [
            cell
            for period in periods
            for cell in _ledger(force, path, period, ctx.period_rows(period), style)
        ]
    out = []
    for i, (pid, period) in enumerate(wave.periods.items()):
        path = ctx.file_path(i if style.fmt == "csv_halves" else 0)
        out += _ledger(force, path, period, ctx.rows(pid), style)
    return out


def draw_ledger(
    wave: str, seed: int, reference_dir: Path = REFERENCE, spread: float | None = None
) -> pd.DataFrame:
    """One draw of a wave's true counts (before the cell-level programme; ``spread`` as in
    :func:`draw_truth`) and the ledger of the cells its returns would print, nothing written
    (for the simulation study)."""
    info = load_wave(wave, reference_dir)
    config = info.config
    published_csv = RAW / "published" / config.release_file
    targets = read_targets(published_csv)
    forces = _read(Path(reference_dir) / "forces.csv")
    answering = data_forces(forces, config)
    owned = facebook_owned(reference_dir, info)
    truth = draw_truth(targets, forces, answering, seed, owned, info, spread)
    counts_by = dict(tuple(truth.counts.groupby("force", sort=True)))
    excluded_by = dict(tuple(truth.excluded.groupby("force", sort=True)))
    known_rows = truth.counts[truth.counts["platform"] != UNKNOWN]
    seen = {f: set(part["platform"]) for f, part in known_rows.groupby("force", sort=True)}
    listed = {f: [p for p in _vocabulary(STYLES[f]) if p in seen[f]] for f in seen}
    ledger: list[dict] = []
    for force in answering:
        ctx = _Context(
            force=force,
            name=force,
            style=style_of(force, config),
            wave=info,
            seed=seed,
            platforms=listed[force],
            cells=_nest(counts_by[force], "platform", info.periods),
            excluded=_nest(excluded_by.get(force, truth.excluded.iloc[0:0]), "label", info.periods),
            ref=request_ref(force, wave),
            answered=None,
            keywords=None,
        )
        ledger += plan_ledger(ctx)
    return pd.DataFrame(ledger)


def _letter_text(
    name: str, ref: str, outcome: str, reason: str, answered: dt.date, wave: Wave
) -> str:
    return "\r\n".join(
        [
            name,
            "Freedom of Information Unit",
            SIMULATED_NOTE.format(name=name),
            "",
            f"Our reference: {ref}",
            f"Date: {answered:%d %B %Y}",
            "",
            "Dear Requester,",
            "",
            "You asked for the number of sexual offences against children under 18 with an online "
            "element, and of indecent image offences against children under 18, recorded between "
            f"{_long_date(wave.start)} and {_long_date(wave.end)}, by the platform used.",
            "",
            reason,
            "",
            "If you are not satisfied with this response you may ask for an internal review.",
            "",
            f"Outcome code (for our records): {outcome}",
            "",
        ]
    )


def render_letter(
    force: str,
    name: str,
    ref: str,
    outcome: str,
    fmt: str,
    reason: str,
    answered: dt.date,
    wave: Wave,
) -> tuple[str, bytes]:
    """A refusal letter as a text file or a PDF; returns its file name and bytes."""
    text = _letter_text(name, ref, outcome, reason, answered, wave)
    slug = ref.replace("/", "-")
    if fmt == "txt":
        return f"{slug} refusal notice.txt", text.encode("utf-8")
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(wave.file_created_utc)
    pdf.set_title(f"FOI {ref}")
    pdf.set_author(name)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, text.replace("\r\n", "\n"))
    return f"{slug} response letter.pdf", bytes(pdf.output())


# ---------------------------------------------------------------------------------------------
# Checks on the written corpus
# ---------------------------------------------------------------------------------------------


def _in_wave(ledger: pd.DataFrame, wave: Wave) -> pd.DataFrame:
    return ledger[(ledger["period_start"] >= wave.start) & (ledger["period_end"] <= wave.end)]


def _known_cells(
    ledger: pd.DataFrame, truth: Truth, region_of: Mapping[str, str], wave: Wave
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Printed cells of known platforms within the wave (with bounds and midpoint), and the
    true counts of known platforms; both keyed by force, region and platform (``key``)."""
    cells = _in_wave(ledger, wave)
    cells = cells[cells["kind"] == "platform"].copy()
    cells["region"] = cells["force"].map(region_of)
    cells["mid"] = (cells["lower"] + cells["upper"]) / 2
    true = truth.counts[truth.counts["platform"] != UNKNOWN]
    true = true.rename(columns={"platform": "key", "count": "true"})
    true = true.assign(region=true["force"].map(region_of))
    return cells, true


def _select(frame: pd.DataFrame, platforms, **where: str) -> pd.DataFrame:
    """Rows of ``frame`` for ``platforms`` (a set, ``OTHER`` for every known platform but the
    three named, or None for every known platform) matching ``where``."""
    for column, value in where.items():
        frame = frame[frame[column] == value]
    if platforms == OTHER:
        return frame[~frame["key"].isin(NATIONAL_GROUPS[:3])]
    if platforms is not None:
        return frame[frame["key"].isin(platforms)]
    return frame


def target_table(
    ledger: pd.DataFrame,
    truth: Truth,
    targets: Targets,
    forces: pd.DataFrame,
    wave: Wave,
    fb_owned: Sequence[str],
) -> pd.DataFrame:
    """Every count target with the true value, and the sums of the lower bounds, upper bounds
    and midpoints of the printed cells (within the wave; known platforms only)."""
    region_of = dict(zip(forces["force"], forces["release_region"], strict=True))
    cells, true = _known_cells(ledger, truth, region_of, wave)
    answering = sorted(truth.counts["force"].unique())
    fb = set(fb_owned)
    # (name, published count, platforms, where, drawn): a drawn target is reproduced by the
    # true counts; the others (the stated national total) are only bracketed by the returns
    specs = [
        (f"national {g}", targets.national[g], GROUP_PLATFORMS[g], {}, True)
        for g in NATIONAL_GROUPS
    ]
    if targets.national_stated is not None:
        specs.append(("national known (stated)", targets.national_stated, None, {}, False))
    fb_targets = region_fb_targets(targets, region_of, answering)
    for region in sorted(targets.region_known):
        where = {"region": region}
        specs.append((f"{region} known", targets.region_known[region], None, where, True))
        if region in fb_targets:
            specs.append((f"{region} Facebook-owned", fb_targets[region][0], fb, where, True))
        for g, n in sorted(targets.region_counts.get(region, {}).items()):
            if g != "facebook_owned":  # the Facebook-owned target above
                specs.append((f"{region} {g}", n, GROUP_PLATFORMS[g], where, True))
    for force in sorted(set(targets.force_known) | set(targets.force_counts)):
        where = {"force": force}
        if force in targets.force_known:
            specs.append((f"{force} known", targets.force_known[force], None, where, True))
        for g, n in sorted(targets.force_counts.get(force, {}).items()):
            specs.append((f"{force} {g}", n, GROUP_PLATFORMS[g], where, True))
    rows = []
    for name, value, platforms, where, drawn in specs:
        c = _select(cells, platforms, **where)
        rows.append(
            {
                "target": name,
                "published": value,
                "drawn": drawn,
                "true": int(_select(true, platforms, **where)["true"].sum()),
                "lower": int(c["lower"].sum()),
                "upper": int(c["upper"].sum()),
                "midpoint": float(c["mid"].sum()),
                "printed_true": int(c["true"].sum()),
            }
        )
    return pd.DataFrame(rows)


def share_table(
    ledger: pd.DataFrame,
    truth: Truth,
    published: pd.DataFrame,
    forces: pd.DataFrame,
    wave: Wave,
    fb_owned: Sequence[str],
) -> pd.DataFrame:
    """Every published percentage with its value from the true counts and from the written
    returns with each withheld cell at the middle of its range."""
    region_of = dict(zip(forces["force"], forces["release_region"], strict=True))
    cells, true = _known_cells(ledger, truth, region_of, wave)
    named = {"facebook_owned": set(fb_owned), "all_known": None}
    rows = []
    percent = published[published["unit"] == "percent"]
    if "compares_with" in percent.columns:  # a statement across two waves: not this wave's
        percent = percent[percent["compares_with"] == ""]
    for r in percent.itertuples(index=False):
        where = {r.geography: r.area} if r.geography in ("region", "force") else {}
        numerator = named.get(r.platform_group, {r.platform_group})
        denominator = named[r.denominator]

        def share(frame, column, numerator=numerator, denominator=denominator, where=where):
            num = _select(frame, numerator, **where)[column].sum()
            return 100 * num / _select(frame, denominator, **where)[column].sum()

        rows.append(
            {
                "figure_id": r.figure_id,
                "published": float(r.value),
                "comparison": r.comparison,
                "precision": int(r.precision or 0),
                "true": share(true, "true"),
                "midpoint": share(cells, "mid"),
            }
        )
    return pd.DataFrame(rows)


def _agrees(value: float, other: float, comparison: str, precision: int, threshold: float) -> bool:
    """Whether ``other`` (a midpoint share) reads as ``value`` (the true share) does, at the
    published precision, with ``other`` at least MARGIN away from a rounding boundary (so that
    a reader's arithmetic cannot tip it)."""
    if comparison == "more_than":
        return (value > threshold) == (other > threshold) and abs(other - threshold) >= MARGIN
    if comparison == "almost":  # "nearly half": under the threshold, as the true share is
        return (value < threshold) == (other < threshold) and abs(other - threshold) >= MARGIN
    if comparison == "approx_one_in":  # "one in N": N = 100 / share, to the nearest whole
        n = 100 / other
        return round(100 / value) == round(n) and abs(n - np.floor(n) - 0.5) >= MARGIN / 10
    step = 10.0**-precision
    fraction = (other / step) % 1
    far = abs(fraction - 0.5) * step >= MARGIN
    return round(value, precision) == round(other, precision) and far


def check_corpus(targets_df: pd.DataFrame, shares_df: pd.DataFrame) -> list[str]:
    """Problems with a drawn corpus (empty if none): a true count off its target, a target
    outside the bounds of the written returns, or a midpoint share that rounds differently from
    the true share."""
    problems = []
    for r in targets_df.itertuples(index=False):
        if r.drawn and r.true != r.published:
            problems.append(f"{r.target}: true count {r.true} is not the target {r.published}")
        if r.printed_true != r.true:
            problems.append(f"{r.target}: the written cells hold {r.printed_true}, not {r.true}")
        if not r.lower <= r.published <= r.upper:
            problems.append(f"{r.target}: {r.published} outside the written [{r.lower}, {r.upper}]")
    for r in shares_df.itertuples(index=False):
        if not _agrees(r.true, r.midpoint, r.comparison, r.precision, r.published):
            problems.append(
                f"{r.figure_id}: midpoint share {r.midpoint:.2f}% and true share {r.true:.2f}% "
                f"disagree at the published precision"
            )
    return problems


# ---------------------------------------------------------------------------------------------
# One wave, end to end
# ---------------------------------------------------------------------------------------------


@dataclass
class Simulation:
    """A drawn and written wave: truth, ledger of printed cells, checks, and what was written."""

    wave: Wave
    seed: int
    truth: Truth
    ledger: pd.DataFrame
    outcomes: pd.DataFrame
    targets: pd.DataFrame
    shares: pd.DataFrame
    files: dict[str, bytes]  # path under the raw folder -> bytes
    specs: dict[str, str]  # path under the spec folder -> YAML text
    meta: dict[str, dict[str, str]]  # path under the raw folder -> manifest columns
    # every published figure under the declared counting convention (convention_table)
    convention: pd.DataFrame = field(default_factory=pd.DataFrame)


def _apply_cells(
    truth: Truth, cells: pd.DataFrame, values, wave: Wave
) -> tuple[Truth, dict[str, dict]]:
    """The truth with every printed cell's true count replaced by ``values`` (row by row of
    ``cells``, a ledger), and the quarterly force's quarters as they now are (force ->
    quarter -> (cells, excluded), for :class:`_Context`); its periods' counts are the sums of
    their quarters."""
    period_of = {tuple(p): pid for pid, p in wave.periods.items()}
    counts: dict[tuple, int] = {}
    excluded: dict[tuple, int] = {}
    quarters: dict[str, dict] = {}
    for r, value in zip(cells.itertuples(index=False), values, strict=True):
        if r.kind == "total":
            continue
        period = (r.period_start, r.period_end)
        target = excluded if r.kind == "excluded" else counts
        if period in period_of:
            target[r.force, period_of[period], r.offence_group, r.key] = int(value)
            continue
        # A quarter: kept for the renderer, and added into its period of the wave.
        by = quarters.setdefault(r.force, {}).setdefault(period, ({}, {}))
        by[1 if r.kind == "excluded" else 0].setdefault(r.key, {})[r.offence_group] = int(value)
        inside = [pid for (a, b), pid in period_of.items() if a <= period[0] and period[1] <= b]
        if inside:
            key = (r.force, inside[0], r.offence_group, r.key)
            target[key] = target.get(key, 0) + int(value)

    def replaced(frame: pd.DataFrame, key: str, new: dict) -> pd.DataFrame:
        keys = list(
            zip(frame["force"], frame["period"], frame["offence_group"], frame[key], strict=True)
        )
        old = frame["count"].tolist()
        frame = frame.copy()
        frame["count"] = [new.get(k, n) for k, n in zip(keys, old, strict=True)]
        unprinted = [n for k, n in zip(keys, old, strict=True) if k not in new and n]
        if unprinted:
            raise RuntimeError("a true count that no return prints is not zero")
        return frame

    truth = Truth(
        replaced(truth.counts, "platform", counts), replaced(truth.excluded, "label", excluded)
    )
    return truth, quarters


def _same_pattern(first: pd.DataFrame, final: pd.DataFrame) -> bool:
    """Whether two ledgers print the same cells with the same bounds (withheld alike)."""
    columns = ["force", "file", "period_start", "period_end", "offence_group", "kind", "key"]

    def pattern(ledger: pd.DataFrame) -> pd.DataFrame:
        shown = ledger.assign(marker=ledger["printed"].where(ledger["lower"] != ledger["upper"]))
        out = shown[[*columns, "marker"]].assign(
            lower=shown["lower"].where(shown["lower"] != shown["upper"]),
            upper=shown["upper"].where(shown["lower"] != shown["upper"]),
        )
        return out.astype(str).sort_values(columns).reset_index(drop=True)

    return pattern(first).equals(pattern(final))


def data_forces(forces: pd.DataFrame, config: WaveConfig | None = None) -> list[str]:
    """Forces that answered the wave's request with data (all but its ``no_data``), sorted."""
    no_data = (config or CONFIGS[WAVE]).no_data
    return sorted(f for f in forces["force"] if f not in no_data)


def _spec_yaml(spec: dict) -> str:
    header = (
        "# Reading spec for a SIMULATED return, written by python -m simulation.\n"
        "# The keys are described in docs/architecture.md (Reading specs).\n"
    )
    return header + yaml.safe_dump(
        spec, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )


def _outcome_row(force: str, wave: Wave, outcome: str, questions: str, period, note: str) -> dict:
    asked, answered = request_dates(force, wave, outcome)
    return {
        "force": force,
        "request_ref": "" if outcome == "no_response" else request_ref(force, wave.wave),
        "date_requested": asked.isoformat(),
        "date_answered": answered.isoformat() if answered else "",
        "outcome": outcome,
        "questions_answered": questions,
        "period_start": period[0].isoformat() if period else "",
        "period_end": period[1].isoformat() if period else "",
        "provenance": "simulated",
        "note": note,
    }


def _render_wave(
    wave: Wave,
    seed: int,
    truth: Truth,
    forces: pd.DataFrame,
    keywords: list | None,
    quarters: dict | None = None,
) -> tuple[dict, dict, dict, list[dict], pd.DataFrame]:
    """Every force's return (or letter) and outcome from the true counts: (files, specs, meta,
    ledger, outcomes). ``quarters`` gives a quarterly force's quarters as fixed (by force)."""
    config = wave.config
    names = dict(zip(forces["force"], forces["name"], strict=True))
    wave_dir = f"waves/{wave.wave}"
    counts_by = dict(tuple(truth.counts.groupby("force", sort=True)))
    excluded_by = dict(tuple(truth.excluded.groupby("force", sort=True)))
    known_rows = truth.counts[truth.counts["platform"] != UNKNOWN]
    listed = {
        f: [p for p in _vocabulary(STYLES[f]) if p in set(part["platform"])]
        for f, part in known_rows.groupby("force", sort=True)
    }
    files, specs, meta, ledger, outcomes = {}, {}, {}, [], []
    for force in sorted(forces["force"]):
        if force in config.no_data:
            outcome, fmt, reason = config.no_data[force]
            outcomes.append(_outcome_row(force, wave, outcome, "none", None, reason))
            if fmt:
                answered = dt.date.fromisoformat(outcomes[-1]["date_answered"])
                name, data = render_letter(
                    force,
                    names[force],
                    outcomes[-1]["request_ref"],
                    outcome,
                    fmt,
                    reason,
                    answered,
                    wave,
                )
                path = f"{wave_dir}/{force}/{name}"
                files[path] = data
                meta[path] = {
                    "format": fmt,
                    "content": "refusal",
                    "period_start": "",
                    "period_end": "",
                }
                meta[path].update(_file_meta(outcomes[-1], wave))
            continue
        style = style_of(force, config)
        outcome = "partial" if force == config.partial else "data"
        questions = "q1" if force == config.partial else "both"
        period = (
            (wave.start, wave.quarters(extra=1)[-1][1])
            if force == config.quarterly
            else (wave.start, wave.end)
        )
        note = _force_note(force, style, wave)
        outcomes.append(_outcome_row(force, wave, outcome, questions, period, note))
        answered = dt.date.fromisoformat(outcomes[-1]["date_answered"])
        ctx = _Context(
            force=force,
            name=names[force],
            style=style,
            wave=wave,
            seed=seed,
            platforms=listed[force],
            cells=_nest(counts_by.get(force, truth.counts.iloc[0:0]), "platform", wave.periods),
            excluded=_nest(excluded_by.get(force, truth.excluded.iloc[0:0]), "label", wave.periods),
            ref=outcomes[-1]["request_ref"],
            answered=answered,
            keywords=keywords,
            _quarters=(quarters or {}).get(force),
        )
        out = render_force(ctx)
        for path, data in out.files.items():
            files[f"{wave_dir}/{path}"] = data
            meta[f"{wave_dir}/{path}"] = {**out.meta[path], **_file_meta(outcomes[-1], wave)}
        specs[f"{wave.wave}/{force}.yaml"] = _spec_yaml(out.spec)
        ledger += out.ledger
    outcomes_df = pd.DataFrame(outcomes)
    outcome_path = f"{wave_dir}/outcomes.csv"
    buffer = io.StringIO()
    outcomes_df.to_csv(buffer, index=False, lineterminator="\n")
    files[outcome_path] = buffer.getvalue().encode("utf-8")
    meta[outcome_path] = {
        "wave": wave.wave,
        "format": "csv",
        "content": "outcomes",
        "period_start": wave.start.isoformat(),
        "period_end": wave.end.isoformat(),
        "provenance": "simulated",
    }
    return files, specs, meta, ledger, outcomes_df


def _draw_once(
    wave: Wave,
    seed: int,
    targets: Targets,
    published: pd.DataFrame,
    reference_dir: Path,
    check_text: bool,
    convention: bool = True,
) -> Simulation | None:
    """One draw of the wave: the truth, then (``convention``) the cell-level programme that
    makes the printed cells meet the release (None if no cells do), then the returns written
    from the adjusted truth and their ground truth (:data:`TRUTH_FILE`)."""
    forces = _read(Path(reference_dir) / "forces.csv")
    fb_owned = facebook_owned(reference_dir, wave)
    config = wave.config
    answering = data_forces(forces, config)
    if len(answering) != targets.forces_with_data:
        raise ValueError(f"{len(answering)} forces answer, not {targets.forces_with_data}")
    missing = [f for f in answering if f not in STYLES]
    if missing:
        raise ValueError(f"no style for {missing}")
    truth = draw_truth(targets, forces, answering, seed, fb_owned, wave)
    keywords = load_keywords(reference_dir) if check_text else None
    region_of = dict(zip(forces["force"], forces["release_region"], strict=True))
    days = (wave.end - wave.start).days + 1
    figures = read_figures(published, days)
    quarters = None
    if convention:  # the cell-level programme: the printed cells meet the release
        first = _render_wave(wave, seed, truth, forces, None)[3]
        cells = counted_cells(pd.DataFrame(first), region_of, wave.start, wave.end)
        withholds = {f: STYLES[f].marker is not None for f in answering}
        values = adjust_cells(cells, figures, days, withholds)
        if values is None:
            return None
        truth, quarters = _apply_cells(truth, cells, values, wave)
    files, specs, meta, ledger, outcomes_df = _render_wave(
        wave, seed, truth, forces, keywords, quarters
    )
    ledger_df = pd.DataFrame(ledger)
    targets_df = target_table(ledger_df, truth, targets, forces, wave, fb_owned)
    shares_df = share_table(ledger_df, truth, published, forces, wave, fb_owned)
    cells = counted_cells(ledger_df, region_of, wave.start, wave.end)
    table = convention_table(cells, figures, days) if convention else pd.DataFrame()
    if convention and not _same_pattern(pd.DataFrame(first), ledger_df):
        raise RuntimeError("the adjusted returns withhold other cells than the first draw")
    truth_path = f"waves/{wave.wave}/{TRUTH_FILE}"
    files[truth_path] = truth_csv(ledger_df, wave.wave)
    meta[truth_path] = {
        "wave": wave.wave,
        "format": "csv",
        "content": TRUTH_CONTENT,
        "period_start": wave.start.isoformat(),
        "period_end": wave.end.isoformat(),
        "provenance": "simulated",
    }
    return Simulation(
        wave,
        seed,
        truth,
        ledger_df,
        outcomes_df,
        targets_df,
        shares_df,
        files,
        specs,
        meta,
        table,
    )


def _file_meta(outcome_row: dict, wave: Wave) -> dict[str, str]:
    return {
        "wave": wave.wave,
        "force": outcome_row["force"],
        "request_ref": outcome_row["request_ref"],
        "date_requested": outcome_row["date_requested"],
        "date_answered": outcome_row["date_answered"],
        "outcome": outcome_row["outcome"],
        "provenance": "simulated",
    }


FORMAT_NOTES = {
    "xlsx": "Excel workbook, a sheet per half-year.",
    "csv_halves": "Two CSV files, one per half-year.",
    "csv_blocks": "One CSV file with a table per half-year.",
    "csv_long": "One CSV file in long layout (a row per platform, question and half-year).",
    "csv_quarters": "One CSV file in long layout, by quarter.",
    "pdf": "Letter (PDF) with a table per half-year in the text.",
    "records": "Record-level extract: one row per crime, platform in free text.",
}
# The same for a wave counted in one period (the year).
FORMAT_NOTES_ONE = {
    **FORMAT_NOTES,
    "xlsx": "Excel workbook, one sheet for the year.",
    "csv_halves": "One CSV file for the year.",
    "csv_blocks": "One CSV file with a table for the year.",
    "csv_long": "One CSV file in long layout (a row per platform and question).",
    "pdf": "Letter (PDF) with a table for the year in the text.",
}


def _force_note(force: str, style: Style, wave: Wave) -> str:
    """The outcomes note for a force that sent data: its format and anything odd."""
    notes = FORMAT_NOTES if len(wave.periods) > 1 else FORMAT_NOTES_ONE
    parts = [notes[style.fmt]]
    if force == wave.config.partial:
        parts.append("Answered Q1 (sexual offences) only.")
    if force == wave.config.quarterly:
        last = wave.quarters(extra=1)[-1][1]
        parts.append(
            f"Covers {wave.start:%B %Y} to {last:%B %Y}; the last quarter is outside the wave."
        )
    if style.marker:
        zero = " (zeros too)" if style.hides_zero else ""
        parts.append(f"Small counts{zero} shown as '{style.marker}'.")
    return " ".join(parts)


def simulate_wave(
    wave: str,
    out_raw_dir: Path | str,
    out_spec_dir: Path | str,
    seed: int | None = None,
    *,
    reference_dir: Path | str = REFERENCE,
    published_csv: Path | str | None = None,
    scale: float = 1.0,
    write: bool = True,
    write_manifest: bool = True,
    check_text: bool = True,
) -> Simulation:
    """Draw and write one wave's simulated returns, outcomes and reading specs.

    Files go to ``out_raw_dir/waves/<wave>/`` and ``out_spec_dir/<wave>/<force>.yaml``; with
    ``write_manifest`` their rows are added to ``out_raw_dir/MANIFEST.csv``. Nothing is written
    into the repository unless those folders are the repository's. The targets are read from
    ``published_csv`` (default: the release file of the wave's configuration, in
    :mod:`simulation.waves`; release_2021_03.csv for a wave without one), scaled by ``scale``
    for a wave other than the published one. ``seed`` defaults to the wave's own. If a check
    fails, the draw is repeated with the next seed offset; the seed used is
    ``Simulation.seed``.
    """
    reference_dir = Path(reference_dir)
    config = _config(wave)
    seed = config.seed if seed is None else seed
    published_csv = Path(published_csv or RAW / "published" / config.release_file)
    published = _read(published_csv)
    targets = read_targets(published_csv)
    forces = _read(reference_dir / "forces.csv")
    region_of = dict(zip(forces["force"], forces["release_region"], strict=True))
    if scale != 1.0:
        targets = targets.scaled(scale, region_of)
    check_targets(targets, region_of, data_forces(forces, config), shown(published_csv), wave)
    info = load_wave(wave, reference_dir)
    problems: list[str] = []
    convention = scale == 1.0  # a benchmark wave's scaled targets are not a release's
    for offset in range(MAX_SEED_OFFSETS):
        sim = _draw_once(
            info, seed + offset, targets, published, reference_dir, check_text, convention
        )
        if sim is None:
            problems = [f"seed {seed + offset}: no cells meet the release under the convention"]
            continue
        if convention:
            problems = check_convention(sim.convention) + check_cells(sim.ledger)
        else:
            sim.shares = sim.shares.iloc[0:0]
            problems = check_corpus(sim.targets, sim.shares)
        if not problems:
            break
    else:
        raise RuntimeError(
            "no seed offset gave a corpus that passes the checks:\n" + "\n".join(problems)
        )
    if write:
        out_raw_dir, out_spec_dir = Path(out_raw_dir), Path(out_spec_dir)
        outputs: dict[Path, str | bytes] = {out_raw_dir / p: b for p, b in sim.files.items()}
        outputs.update({out_spec_dir / p: t for p, t in sim.specs.items()})
        write_many(outputs)
        if write_manifest:
            update_manifest(out_raw_dir, sim.meta)
    return sim


def simulate_records(n_rows: int, seed: int, path: Path | str, wave: str = WAVE) -> dict:
    """Write a record-level extract of ``n_rows`` crimes (for benchmarks) to ``path``, in the
    layout of the Leicestershire extract; return its reading-spec entry (``path`` as given).

    About 30% of texts name no app, 6% two apps and the rest one; dates fall within the wave.
    Vectorised, so that a million rows take seconds.
    """
    rng = np.random.default_rng([seed, 7])
    info = load_wave(wave)
    names = [*NATIONAL_GROUPS[:3], *OTHER_SPLIT]
    weights = np.array([0.4, 0.15, 0.07, *OTHER_SPLIT.values()])
    weights /= weights.sum()
    roll = rng.random(n_rows)
    first = rng.choice(len(names), size=n_rows, p=weights)
    second = rng.choice(len(names), size=n_rows, p=weights)
    second = np.where(second == first, (first + 1) % len(names), second)
    picks = rng.integers(0, 1 << 30, size=(n_rows, 4))
    days = np.sort(rng.integers(0, (info.end - info.start).days + 1, size=n_rows))
    q1 = rng.random(n_rows) < Q1_SHARE_DEFAULT
    code_lists = {g: (list(c), np.array(list(c.values()))) for g, c in RECORD_CODES.items()}
    code_pick = {
        g: rng.choice(len(codes), size=n_rows, p=p / p.sum())
        for g, (codes, p) in code_lists.items()
    }

    def text(i: int) -> str:
        a, b, k = names[first[i]], names[second[i]], picks[i]
        if roll[i] < 0.3:
            return NO_APP[k[0] % len(NO_APP)]
        ma = MENTIONS[a][k[1] % len(MENTIONS[a])]
        if roll[i] < 0.36:
            mb = MENTIONS[b][k[2] % len(MENTIONS[b])]
            return TWO_APPS[k[3] % len(TWO_APPS)].format(a=ma, b=mb)
        return ONE_APP[k[3] % len(ONE_APP)].format(a=ma)

    cols = RECORD_COLUMNS["leicestershire"]
    header = [cols["id"], cols["date"], cols["offence"], *cols["extra"], cols["text"]]
    start = info.start
    rows = [header]
    for i in range(n_rows):
        group = GROUPS[0] if q1[i] else GROUPS[1]
        codes = code_lists[group][0]
        code = codes[code_pick[group][i]]
        day = start + dt.timedelta(days=int(days[i]))
        ref = f"LE/{i:07d}/{day:%y}"
        rows.append(
            [ref, day.strftime(cols["date_format"]), code, RECORD_DESCRIPTIONS[code], "Y", text(i)]
        )
    style = STYLES["leicestershire"]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_csv_bytes(rows, style))
    return {
        "path": str(path),
        "format": "records",
        "encoding": style.encoding,
        "delimiter": style.delimiter,
        "columns": {k: cols[k] for k in ("id", "date", "offence", "text")},
        "date_format": cols["date_format"],
    }


# ---------------------------------------------------------------------------------------------
# The repository's own corpus
# ---------------------------------------------------------------------------------------------

OUTCOMES_START = "<!-- outcomes:start -->"
OUTCOMES_END = "<!-- outcomes:end -->"


def outcomes_markdown(outcomes: pd.DataFrame, forces: pd.DataFrame) -> str:
    """The outcomes table for data/raw/README.md."""
    names = dict(zip(forces["force"], forces["name"], strict=True))
    lines = [
        "| Force | Outcome | Questions answered | Period covered | Reference | Answered | "
        "Provenance | Note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in outcomes.sort_values("force").itertuples(index=False):
        period = f"{r.period_start} to {r.period_end}" if r.period_start else ""
        lines.append(
            f"| {names[r.force]} (`{r.force}`) | {r.outcome} | {r.questions_answered} | {period} "
            f"| {r.request_ref} | {r.date_answered} | {r.provenance} | {r.note} |"
        )
    data = outcomes[outcomes["outcome"].isin(["data", "partial"])]
    kinds = data["provenance"].value_counts()
    said = ", ".join(f"{kinds[k]} {k}" for k in ("real", "simulated") if k in kinds)
    lines += ["", f"{len(outcomes)} forces asked; {len(data)} answered with data ({said})."]
    return "\n".join(lines)


def outcome_markers(wave: str) -> tuple[str, str]:
    """The markers of a wave's outcomes block in data/raw/README.md (the 2019/20 wave's are
    the unnamed ones)."""
    if wave == WAVE:
        return OUTCOMES_START, OUTCOMES_END
    return f"<!-- outcomes {wave}:start -->", f"<!-- outcomes {wave}:end -->"


def update_readme(
    readme: Path, outcomes: pd.DataFrame, forces: pd.DataFrame, wave: str = WAVE
) -> None:
    """Replace the outcomes block of ``wave`` in ``readme`` (between its markers) from
    ``outcomes``; a README without the markers is left as it is."""
    text = readme.read_text(encoding="utf-8")
    start_mark, end_mark = outcome_markers(wave)
    if start_mark not in text or end_mark not in text:
        return
    start, end = text.index(start_mark), text.index(end_mark)
    block = f"{start_mark}\n{outcomes_markdown(outcomes, forces)}\n"
    write_text(readme, text[:start] + block + text[end:])


def published_meta(raw_dir: Path) -> dict[str, dict[str, str]]:
    """Manifest columns for the transcribed published figures (real, not simulated): a
    release's figures file names its wave (its ``wave`` column, or the wave whose release it is
    in :mod:`simulation.waves`)."""
    release_wave = {c.release_file: w for w, c in CONFIGS.items()}
    meta = {}
    for path in sorted((Path(raw_dir) / "published").glob("*.csv")):
        frame = _read(path)
        starts = frame.get("period_start", pd.Series(dtype=str))
        ends = frame.get("period_end", pd.Series(dtype=str))
        waves = sorted(set(frame["wave"]) - {""}) if "wave" in frame else []
        wave = waves[0] if len(waves) == 1 else release_wave.get(path.name, "")
        meta[f"published/{path.name}"] = {
            "wave": wave if path.name.startswith("release_") else "",
            "format": "csv",
            "content": "published",
            "period_start": min((s for s in starts if s), default=""),
            "period_end": max((e for e in ends if e), default=""),
            "provenance": "real",
        }
    return meta


def keep_real(sim: Simulation, outcomes_file: Path) -> None:
    """Leave out of ``sim`` (in place) every file, spec and truth row of the forces whose
    answers are real: those whose row of the wave's current ``outcomes_file`` says provenance
    ``real``. Their rows of outcomes.csv are kept as they are, the others regenerated; the file
    is then ``mixed`` in the manifest."""
    if not outcomes_file.is_file():
        return
    current = _read(outcomes_file)
    real = current[current["provenance"] == "real"]
    if real.empty:
        return
    wave = sim.wave.wave
    mine = {f"waves/{wave}/{force}/" for force in real["force"]}
    for path in [p for p in sim.files if any(p.startswith(m) for m in mine)]:
        del sim.files[path]
        sim.meta.pop(path, None)
    for force in real["force"]:
        sim.specs.pop(f"{wave}/{force}.yaml", None)
    kept = sim.outcomes[~sim.outcomes["force"].isin(set(real["force"]))]
    sim.outcomes = pd.concat([kept, real[kept.columns]], ignore_index=True).sort_values(
        "force", ignore_index=True
    )
    buffer = io.StringIO()
    sim.outcomes.to_csv(buffer, index=False, lineterminator="\n")
    path = f"waves/{wave}/outcomes.csv"
    sim.files[path] = buffer.getvalue().encode("utf-8")
    sim.meta[path] = {**sim.meta[path], "provenance": "mixed"}
    sim.ledger = sim.ledger[~sim.ledger["force"].isin(set(real["force"]))]
    truth_path = f"waves/{wave}/{TRUTH_FILE}"
    sim.files[truth_path] = truth_csv(sim.ledger, wave)


def write_corpus(
    raw_dir: Path | str = RAW,
    spec_dir: Path | str | None = None,
    reference_dir: Path | str = REFERENCE,
    seed: int | None = None,
    waves: Sequence[str] | None = None,
) -> dict[str, Simulation]:
    """Regenerate the repository's simulated waves (``waves``, default every wave of
    :mod:`simulation.waves` whose release file is there), their manifest rows and the README
    outcomes tables; returns each wave's Simulation.

    Each wave is drawn with its own seed (``seed`` replaces it only for a single wave), so that
    one wave's files never change with another's. A force whose answer is real (its row of the
    wave's outcomes.csv says provenance ``real``) keeps it: the wave is still drawn for every
    force, so that the other forces' returns stay as they were, but nothing of that force is
    written (:func:`keep_real`), and its row of outcomes.csv is the one already there.
    """
    raw_dir = Path(raw_dir)
    spec_dir = Path(spec_dir or Path(reference_dir) / "specs")
    if waves is None:
        waves = [
            w for w, c in CONFIGS.items() if (raw_dir / "published" / c.release_file).is_file()
        ]
    if seed is not None and len(waves) != 1:
        raise ValueError("--seed needs a single wave (--wave): each wave has its own seed")
    manifest = raw_dir / "MANIFEST.csv"
    current = (
        _read(manifest) if manifest.is_file() else pd.DataFrame(columns=["path", "provenance"])
    )
    sims: dict[str, Simulation] = {}
    # A published file's row is add_return.py's (its periods as given there): only a file the
    # manifest does not list yet gets one here.
    listed = set(current["path"])
    meta = {p: m for p, m in published_meta(raw_dir).items() if p not in listed}
    stale: list[str] = []
    for wave in waves:
        in_wave = current["path"].str.startswith(f"waves/{wave}/")
        config = CONFIGS[wave]
        sim = simulate_wave(
            wave,
            raw_dir,
            spec_dir,
            seed,
            reference_dir=reference_dir,
            published_csv=raw_dir / "published" / config.release_file,
            write=False,
        )
        keep_real(sim, raw_dir / "waves" / wave / "outcomes.csv")
        # Simulated files of an earlier version of this generator, or of a force whose answer
        # is now real, are removed with their rows.
        ours = current[in_wave & (current["provenance"] == "simulated")]
        stale += sorted(set(ours["path"]) - set(sim.files))
        outputs: dict[Path, str | bytes] = {raw_dir / p: b for p, b in sim.files.items()}
        outputs.update({spec_dir / p: t for p, t in sim.specs.items()})
        write_many(outputs)
        meta.update(sim.meta)
        sims[wave] = sim
    for path in stale:
        (raw_dir / path).unlink(missing_ok=True)
    update_manifest(raw_dir, meta, drop=stale)
    readme = raw_dir / "README.md"
    if readme.is_file():
        forces = _read(Path(reference_dir) / "forces.csv")
        for wave, sim in sims.items():
            update_readme(readme, sim.outcomes, forces, wave)
    return sims
