"""Data a researcher might add, written as data only into a copy of the project, as the README
says to add it: waves of other years, scopes and lengths (their rows in ``waves.csv`` and
``periods.csv``, a return and a reading spec per force, ``outcomes.csv``, manifest rows), a
real partial return in place of a simulated one, and the reference rows a new scope needs.

Each scenario's numbers are stated here once; the tests say what the build must make of them.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from src.data.manifest import update_manifest

#: A withheld marker every scenario's returns may print, and its bounds.
MARKER = "<5"


@dataclass(frozen=True)
class Wave:
    """A wave to add: its id, first and last day, offence groups (column header -> group),
    and each force's rows: platform label as printed, then one count (or :data:`MARKER`) per
    offence group, in the order of ``groups``."""

    wave: str
    start: str
    end: str
    groups: dict[str, str]
    returns: dict[str, list[tuple]]
    label: str
    request: str
    provenance: str = "real"
    totals: bool = True

    def count(self, label: str | None = None) -> int:
        """Every printed count (markers left out), of one label or of all."""
        return sum(
            int(c)
            for rows in self.returns.values()
            for row in rows
            if label is None or row[0] == label
            for c in row[1:]
            if c != MARKER
        )


#: (b) A new latest wave where another platform leads and no owner group does: Snapchat
#: holds most instances, the owner group's apps few. Both offence groups, one year, five
#: forces of one region.
LATEST = Wave(
    wave="2030-04_2031-03",
    start="2030-04-01",
    end="2031-03-31",
    groups={"Q1 Sexual offences": "online_sexual", "Q2 Indecent images": "indecent_images"},
    returns={
        "cheshire": [
            ("Snapchat", 60, 20),
            ("Instagram", 10, 5),
            ("WhatsApp", 4, 1),
            ("TikTok", 10, 0),
        ],
        "cumbria": [
            ("Snapchat", 30, 10),
            ("Instagram", 5, 5),
            ("Facebook", 5, 0),
            ("TikTok", 5, 0),
        ],
        "lancashire": [
            ("Snapchat", 50, 30),
            ("Instagram", 20, 0),
            ("WhatsApp", 6, 4),
            ("TikTok", 20, 0),
        ],
        "merseyside": [("Snapchat", 40, 10), ("Instagram", 10, 0), ("TikTok", 10, 0)],
        "greater-manchester": [("Snapchat", 70, 30), ("Instagram", 15, 5), ("Facebook", 5, 5)],
    },
    label="April 2030 to March 2031",
    request="Offences with an online element, by platform, for one year.",
)
#: (c) Another offence scope, nine months long: sexual communication with a child alone,
#: April to December 2017, three forces, Kik and phone calls among the platforms.
GROOMING_2017 = Wave(
    wave="2017-04_2017-12",
    start="2017-04-01",
    end="2017-12-31",
    groups={"Offences": "sexual_communication"},
    returns={
        "durham": [("Kik", 12), ("Phone call", 9), ("Snapchat", 20), ("Facebook", 15)],
        "cleveland": [("Kik", 8), ("Phone call", MARKER), ("Snapchat", 14), ("Instagram", 11)],
        "northumbria": [("Kik", 5), ("Phone call", 7), ("Snapchat", 30), ("Facebook", 10)],
    },
    label="April 2017 to December 2017",
    request="Sexual communication with a child, by platform, April to December 2017.",
)
#: (d) One force, small counts.
ONE_FORCE = Wave(
    wave="2016-04_2017-03",
    start="2016-04-01",
    end="2017-03-31",
    groups={"Q1": "online_sexual", "Q2": "indecent_images"},
    returns={"jersey": [("Snapchat", 3, MARKER), ("Instagram", MARKER, 0), ("WhatsApp", 2, 1)]},
    label="April 2016 to March 2017",
    request="Offences with an online element, by platform, for one year.",
)
#: (e) A second request over the same year as a committed wave: its id is not its period.
SAME_YEAR = Wave(
    wave="2018-04_2019-03-grooming",
    start="2018-04-01",
    end="2019-03-31",
    groups={"Offences": "sexual_communication"},
    returns={
        "gwent": [("Snapchat", 25), ("Kik", 6), ("Facebook", 9)],
        "dyfed-powys": [("Snapchat", 18), ("Instagram", 12), ("Kik", MARKER)],
    },
    label="April 2018 to March 2019",
    request="Sexual communication with a child, by platform, for one year.",
)
#: (a) A real partial return in place of a simulated one, in a committed wave: its known
#: total and two platforms, the rest not itemised.
PARTIAL = {"total": 500, "Snapchat": 120, "Instagram": 80}
#: The new offence group and platform the scopes above need (reference rows, as a researcher
#: adds them).
NEW_GROUP = ("sexual_communication", "", "sexual communication with a child", "Q1")
NEW_PLATFORM = ("phone_call", "Phone call", "service")


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _append(path: Path, row: dict[str, str]) -> None:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = pd.concat([table, pd.DataFrame([row])], ignore_index=True).fillna("")
    path.write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def add_reference_rows(root: Path) -> None:
    """The offence group and platform the new scopes need, with the label the returns print."""
    reference = root / "data" / "reference"
    group, includes, name, question = NEW_GROUP
    _append(
        reference / "offence_groups.csv",
        {
            "offence_group": group,
            "includes": includes,
            "name": name,
            "question": question,
            "description": "Sexual communication with a child (added by a test).",
        },
    )
    platform, display, kind = NEW_PLATFORM
    _append(
        reference / "platforms.csv",
        {"platform": platform, "display_name": display, "kind": kind, "includes": ""},
    )
    _append(
        reference / "platform_labels.csv",
        {"label": "phone call", "platform": platform, "note": "added by a test"},
    )


def write_wave(root: Path, wave: Wave) -> None:
    """Write ``wave`` into the project copy at ``root``: its reference rows, one CSV return per
    force (a column per offence group, a total row), a reading spec each, outcomes.csv and the
    manifest rows."""
    raw, reference = root / "data" / "raw", root / "data" / "reference"
    _append(
        reference / "waves.csv",
        {
            "wave": wave.wave,
            "start": wave.start,
            "end": wave.end,
            "offence_groups": ";".join(wave.groups.values()),
            "request_summary": wave.request,
            "note": "A wave written by the tests.",
        },
    )
    period = f"{wave.start[:7]}_{wave.end[:7]}"
    _append(
        reference / "periods.csv",
        {
            "wave": wave.wave,
            "period": period,
            "start": wave.start,
            "end": wave.end,
            "label": wave.label,
        },
    )
    wave_dir, specs = raw / "waves" / wave.wave, reference / "specs" / wave.wave
    specs.mkdir(parents=True)
    header = ["Platform", *wave.groups]
    outcomes, metas = [], {}
    for n, (force, rows) in enumerate(wave.returns.items(), start=1):
        name = f"{force}/reply {n}.csv"
        table = [header, *[list(r) for r in rows]]
        if wave.totals:
            sums = [sum(int(r[i]) for r in rows if r[i] != MARKER) for i in range(1, len(header))]
            # A total over withheld cells is not printed: the force printed none then.
            if not any(r[i] == MARKER for r in rows for i in range(1, len(header))):
                table.append(["Total", *sums])
        path = wave_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_csv(table), encoding="utf-8")
        spec_table = {
            "where": {"header_row": 1},
            "layout": "wide",
            "label_column": "Platform",
            "offence_columns": dict(wave.groups),
            "period": [wave.start, wave.end],
        }
        if len(table) > len(rows) + 1:
            spec_table["total_labels"] = ["Total"]
        spec = {
            "force": force,
            "wave": wave.wave,
            "files": [
                {
                    "path": name,
                    "format": "csv",
                    "withheld": {MARKER: [1, 4]},
                    "tables": [spec_table],
                }
            ],
        }
        (specs / f"{force}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
        outcome = {
            "force": force,
            "request_ref": f"FOI {n}",
            "date_requested": "",
            "date_answered": "",
            "outcome": "data",
            "questions_answered": "both",
            "period_start": wave.start,
            "period_end": wave.end,
            "provenance": wave.provenance,
            "note": "One CSV file.",
        }
        outcomes.append(outcome)
        metas[f"waves/{wave.wave}/{name}"] = {
            "wave": wave.wave,
            "force": force,
            "request_ref": outcome["request_ref"],
            "format": "csv",
            "content": "return",
            "outcome": "data",
            "period_start": wave.start,
            "period_end": wave.end,
            "provenance": wave.provenance,
        }
    (wave_dir / "outcomes.csv").write_text(
        pd.DataFrame(outcomes).to_csv(index=False, lineterminator="\n"), encoding="utf-8"
    )
    metas[f"waves/{wave.wave}/outcomes.csv"] = {
        "wave": wave.wave,
        "format": "csv",
        "content": "outcomes",
        "period_start": wave.start,
        "period_end": wave.end,
        "provenance": wave.provenance,
    }
    update_manifest(raw, metas)


def simulated_return(root: Path) -> tuple[str, str]:
    """A committed (wave, force) whose return is simulated and holds counts, from the copy's
    own outcomes files (the latest such wave; its first such force)."""
    waves = pd.read_csv(root / "data" / "reference" / "waves.csv", dtype=str)
    for wave in waves.sort_values("end", ascending=False)["wave"]:
        path = root / "data" / "raw" / "waves" / wave / "outcomes.csv"
        if not path.is_file():
            continue
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
        mine = rows[(rows["provenance"] == "simulated") & rows["outcome"].isin(["data"])]
        if len(mine):
            return wave, str(mine["force"].iloc[0])
    raise LookupError("no committed wave has a simulated return left to replace")


def replace_with_partial(root: Path, wave: str, force: str) -> None:
    """(a) Replace ``force``'s simulated return in ``wave`` by a real partial one: a
    transcription of a printed known total and two platforms, read with ``not_itemised``; its
    outcomes row becomes real and the simulated files go."""
    PARTIAL_FORCE = force
    raw = root / "data" / "raw"
    manifest = pd.read_csv(raw / "MANIFEST.csv", dtype=str, keep_default_na=False)
    old = manifest[(manifest["wave"] == wave) & (manifest["force"] == PARTIAL_FORCE)]
    for path in old["path"]:
        (raw / path).unlink()
    shutil.rmtree(raw / "waves" / wave / PARTIAL_FORCE, ignore_errors=True)
    name = f"{PARTIAL_FORCE}/news report table.csv"
    rows = [["Column as printed", "Value", "Flag"], ["Known total", PARTIAL["total"], "V"]]
    rows += [[label, n, "V"] for label, n in PARTIAL.items() if label != "total"]
    target = raw / "waves" / wave / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_csv(rows), encoding="utf-8")
    periods = pd.read_csv(root / "data" / "reference" / "waves.csv", dtype=str).set_index("wave")
    start, end = periods.loc[wave, "start"], periods.loc[wave, "end"]
    spec = {
        "force": PARTIAL_FORCE,
        "wave": wave,
        "files": [
            {
                "path": name,
                "format": "csv",
                "tables": [
                    {
                        "where": {"header_row": 1},
                        "layout": "long",
                        "columns": {"label": "Column as printed", "count": "Value"},
                        "offence_group": "both_groups",
                        "period": [start, end],
                        "total_labels": ["Known total"],
                        "not_itemised": True,
                    }
                ],
            }
        ],
    }
    spec_path = root / "data" / "reference" / "specs" / wave / f"{PARTIAL_FORCE}.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    outcomes_path = raw / "waves" / wave / "outcomes.csv"
    outcomes = pd.read_csv(outcomes_path, dtype=str, keep_default_na=False)
    at = outcomes["force"] == PARTIAL_FORCE
    outcomes.loc[at, ["outcome", "questions_answered", "period_start", "period_end"]] = [
        "data",
        "both",
        start,
        end,
    ]
    outcomes.loc[at, "provenance"] = "real"
    outcomes.loc[at, "note"] = "A news report's table, transcribed (a test)."
    outcomes_path.write_text(outcomes.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    row = manifest[manifest["path"] == f"waves/{wave}/outcomes.csv"].iloc[0].to_dict()
    update_manifest(
        raw,
        {
            f"waves/{wave}/{name}": {
                "wave": wave,
                "force": PARTIAL_FORCE,
                "format": "csv",
                "content": "return",
                "outcome": "data",
                "period_start": start,
                "period_end": end,
                "provenance": "real",
            },
            f"waves/{wave}/outcomes.csv": {
                k: v for k, v in row.items() if k not in ("path", "bytes", "sha256")
            }
            | {"provenance": "mixed"},
        },
        drop=list(old["path"]),
    )


#: Every wave the scenarios add, oldest first.
WAVES = (ONE_FORCE, GROOMING_2017, SAME_YEAR, LATEST)


def write_all(root: Path) -> tuple[str, str]:
    """Every scenario into the project copy at ``root``: the reference rows, each wave, and a
    real partial return in place of a simulated one (:func:`simulated_return`); returns the
    (wave, force) replaced."""
    replaced = simulated_return(root)
    reference = root / "data" / "reference"
    groups = pd.read_csv(reference / "offence_groups.csv", dtype=str)
    if NEW_GROUP[0] not in set(groups["offence_group"]):
        add_reference_rows(root)
    have = set(pd.read_csv(reference / "waves.csv", dtype=str)["wave"])
    for wave in WAVES:
        if wave.wave not in have:  # a copy that holds a scenario already keeps it
            write_wave(root, wave)
    replace_with_partial(root, *replaced)
    return replaced
