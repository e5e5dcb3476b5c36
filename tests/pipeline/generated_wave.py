"""A wave nobody here has seen, written as data only, as a researcher would add next year's
request: its row in ``waves.csv``, one annual period in ``periods.csv``, one CSV return per
force of one region (a platform other than Instagram leading, no row for an unknown platform),
the wave's ``outcomes.csv``, a reading spec per force, and the manifest rows. No release.

The counts below are the single source of truth: the test states what the build must say
from them, worked by hand.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from src.data.manifest import update_manifest

WAVE = "2030-04_2031-03"
START, END = "2030-04-01", "2031-03-31"
REGION = "North West"
#: Each force's return: platform label as printed, then Q1 and Q2 counts.
RETURNS = {
    "cheshire": [("Snapchat", 60, 20), ("Instagram", 10, 5), ("WhatsApp", 4, 1), ("TikTok", 10, 0)],
    "cumbria": [("Snapchat", 30, 10), ("Instagram", 5, 5), ("Facebook", 5, 0), ("TikTok", 5, 0)],
    "lancashire": [
        ("Snapchat", 50, 30),
        ("Instagram", 20, 0),
        ("WhatsApp", 6, 4),
        ("TikTok", 20, 0),
    ],
    "merseyside": [("Snapchat", 40, 10), ("Instagram", 10, 0), ("TikTok", 10, 0)],
    "greater-manchester": [("Snapchat", 70, 30), ("Instagram", 15, 5), ("Facebook", 5, 5)],
}
#: The labels above as the platforms of data/reference/platforms.csv.
PLATFORM_OF = {
    "Snapchat": "snapchat",
    "Instagram": "instagram",
    "WhatsApp": "whatsapp",
    "Facebook": "facebook_messenger",
    "TikTok": "tiktok",
}
HEADER = ["Platform", "Q1 Sexual offences", "Q2 Indecent images"]
REF = "FOI {n}/31"


def known_total() -> int:
    return sum(q1 + q2 for rows in RETURNS.values() for _, q1, q2 in rows)


def platform_total(platform: str) -> int:
    return sum(
        q1 + q2
        for rows in RETURNS.values()
        for label, q1, q2 in rows
        if PLATFORM_OF[label] == platform
    )


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _append_row(path: Path, row: dict[str, str]) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
    with path.open("a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, columns, lineterminator="\n").writerow(
            {c: row.get(c, "") for c in columns}
        )


def write_wave(root: Path, provenance: str = "real") -> None:
    """Write the wave into the project copy at ``root`` (its data/ folders)."""
    raw, reference = root / "data" / "raw", root / "data" / "reference"
    _append_row(
        reference / "waves.csv",
        {
            "wave": WAVE,
            "start": START,
            "end": END,
            "request_summary": "Offences with an online element, by platform, for one year.",
            "note": "A wave written by the tests.",
        },
    )
    _append_row(
        reference / "periods.csv",
        {
            "wave": WAVE,
            "period": WAVE,
            "start": START,
            "end": END,
            "label": "April 2030 to March 2031",
        },
    )
    wave_dir = raw / "waves" / WAVE
    specs = reference / "specs" / WAVE
    specs.mkdir(parents=True)
    metas = {}
    outcomes = [
        [
            "force",
            "request_ref",
            "date_requested",
            "date_answered",
            "outcome",
            "questions_answered",
            "period_start",
            "period_end",
            "provenance",
            "note",
        ]
    ]
    for n, (force, rows) in enumerate(RETURNS.items(), start=1):
        name = f"{force}/reply {n}.csv"
        table = [HEADER, *[[label, q1, q2] for label, q1, q2 in rows]]
        table.append(["Total", sum(r[1] for r in rows), sum(r[2] for r in rows)])
        path = wave_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_csv(table), encoding="utf-8")
        spec = {
            "force": force,
            "wave": WAVE,
            "files": [
                {
                    "path": name,
                    "format": "csv",
                    "encoding": "utf-8",
                    "delimiter": ",",
                    "tables": [
                        {
                            "where": {"header_row": 1, "last_row": len(table)},
                            "layout": "wide",
                            "label_column": "Platform",
                            "offence_columns": {
                                HEADER[1]: "online_sexual",
                                HEADER[2]: "indecent_images",
                            },
                            "total_labels": ["Total"],
                            "period": [START, END],
                        }
                    ],
                }
            ],
        }
        (specs / f"{force}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
        metas[f"waves/{WAVE}/{name}"] = {
            "wave": WAVE,
            "force": force,
            "request_ref": REF.format(n=n),
            "date_requested": "2031-04-06",
            "date_answered": "2031-05-04",
            "format": "csv",
            "content": "return",
            "outcome": "data",
            "period_start": START,
            "period_end": END,
            "provenance": provenance,
        }
        outcomes.append(
            [
                force,
                REF.format(n=n),
                "2031-04-06",
                "2031-05-04",
                "data",
                "both",
                START,
                END,
                provenance,
                "One CSV file.",
            ]
        )
    (wave_dir / "outcomes.csv").write_text(_csv(outcomes), encoding="utf-8")
    metas[f"waves/{WAVE}/outcomes.csv"] = {
        "wave": WAVE,
        "format": "csv",
        "content": "outcomes",
        "period_start": START,
        "period_end": END,
        "provenance": provenance,
    }
    update_manifest(raw, metas)
