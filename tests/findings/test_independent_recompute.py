"""Every number a reader sees in a build's headline and per-force tables, recomputed from
``data/processed/`` in plain pandas, with no code of ``src/``.

Each build on disk (``reports/tables``, ``reports/*/*/tables``) is rebuilt from what its
``build.csv`` says it took: the wave, the offence groups (``offence_groups.csv``), the forces left
out, the owner group's platforms on its date (``owners.csv``, ``ownership.csv``) and the counting
convention of its wave's latest release (``releases.csv``, ``conventions.csv``).

- ``headline.csv``: each count and share as that convention counts it (a withheld cell at its
  rule; with known totals from printed totals, a block's total less its unknown-platform and
  excluded cells), over the forces whose returns settle it (each named cell, and what a partial
  return leaves unitemised, lies wholly in or out of each group); its range, the extremes the
  withheld cells can take when each block's add up to what its printed total leaves them (a
  share's at the corner that moves its own cells one way and its denominator's others the other
  way); and the best estimate within that range.
- ``forces.csv``: each force's cells by column at their best estimates (a withheld cell under a
  printed total moved with its block's as little as the total needs; without one, the middle of
  its range) before disclosure control, each shown value as the
  rule of ``docs/architecture.md`` makes it (7 or fewer redacted, the rest rounded half up to the
  nearest 5; a blank above 7 only where the audit says it protects another cell), and the owner
  group, known and total columns as sums of the shown cells.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROCESSED, REFERENCE, REPORTS = ROOT / "data/processed", ROOT / "data/reference", ROOT / "reports"
BUILDS = [REPORTS / "tables", *sorted(p.parent for p in REPORTS.glob("*/*/tables/build.csv"))]
RULES = {
    "minimum": lambda lo, hi: lo,
    "midpoint": lambda lo, hi: (lo + hi) / 2,
    "middle_rounded_down": lambda lo, hi: np.floor((lo + hi) / 2),
    "maximum": lambda lo, hi: hi,
}
THRESHOLD, BASE, SHOWN = 7, 5, 0.05 + 1e-9  # the disclosure rule; tables show one decimal
KEY = ["force", "source_file", "table", "block"]
SHOWN_COLUMNS = ["computed", "best_estimate", "withheld_lowest", "withheld_highest"]
NAMED = ("app", "service", "category", "combined")


def read(name: str, folder: Path = REFERENCE) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


class Build:
    """One build's cells, as its build.csv says it selected and counted them."""

    def __init__(self, tables: Path):
        info = self.info = dict(read("build.csv", tables).to_numpy())
        wave, og = info["wave"], read("offence_groups.csv")
        names = dict(og[["offence_group", "name"]].to_numpy())
        asked = read("waves.csv").set_index("wave").at[wave, "offence_groups"].split(";")
        chosen = next(  # the offence groups whose names build.csv gives
            set(c)
            for n in range(len(asked), 0, -1)
            for c in itertools.combinations(asked, n)
            if " and ".join(names[g] for g in c) == info["offence_groups"]
        )
        together = {
            g: set(i.split(";")) for g, i in og[["offence_group", "includes"]].to_numpy() if i
        }
        chosen |= {g for g, parts in together.items() if parts <= chosen}
        left_out = [f.strip() for f in info["exclude_forces"].split(",") if f.strip()]
        releases = read("releases.csv", ROOT / "data/raw/published")
        latest = max(releases.loc[releases["wave"] == wave, "release"], default="")
        conv = read("conventions.csv").set_index("release")
        rule = conv.at[latest, "withheld_counted_as"] if latest else info["withheld_treatment"]
        totals = bool(latest) and conv.at[latest, "known_total_from"] == "printed_totals"
        assert (info["convention_release"], info["withheld_treatment"]) == (latest, rule)
        rule = RULES[rule]
        # Platform groups: each group's base platforms (a combined column counts by its parts).
        groups, pl = read("groups.csv"), read("platforms.csv")
        self.kind = dict(pl[["platform", "kind"]].to_numpy())
        includes = pl.set_index("platform")["includes"]
        self.parts = {p: set(i.split(";")) if i else {p} for p, i in includes.items()}
        u = {p for p, k in self.kind.items() if k in NAMED[:3]}
        self.owner_group = groups.loc[groups["kind"] == "owner", "group"].iloc[0]
        owners, own, day = read("owners.csv"), read("ownership.csv"), info["owner_as_of"]
        on = own["owner"].isin(owners.loc[owners["group"] == self.owner_group, "owner"])
        on &= (own["owned_from"] <= day) & ((own["owned_to"] == "") | (own["owned_to"] >= day))
        assert info["owned_platforms"] == ", ".join(sorted(own.loc[on, "platform"]))
        self.owned = o = self.base(own.loc[on, "platform"])
        kinds = {"all": u, "owner": o, "rest": u - o}
        self.members = {
            g: kinds[k] if k in kinds else self.base([g] if k == "platform" else p.split(";"))
            for g, k, p in groups[["group", "kind", "platforms"]].to_numpy()
        }
        self.own_columns = list(groups.loc[groups["kind"] == "platform", "group"])
        inst = read("instances.csv", PROCESSED)
        keep = (inst["wave"] == wave) & inst["offence_group"].isin(chosen)
        c = self.cells = inst[keep & ~inst["force"].isin(left_out)].copy()
        c["withheld"] = c["withheld"] == "True"
        c["lo"], c["hi"] = pd.to_numeric(c["lower"]), pd.to_numeric(c["upper"])
        c["value"] = np.where(c["withheld"], rule(c["lo"], c["hi"]), c["lo"])
        kind = c["platform"].map(self.kind)
        self.forces = sorted(set(c["force"]))
        # Each force's named cells (as base platforms) and what its return left unitemised.
        self.sets, rest = {}, {}
        for f, rows in c.groupby("force"):
            named = [p for p in set(rows["platform"]) if self.kind[p] in NAMED]
            rest[f] = u - self.base(named)
            partial = (kind[rows.index] == "not_itemised").any()
            self.sets[f] = [self.base([p]) for p in named] + ([rest[f]] if partial else [])
        self.inside = pd.DataFrame({"all_known": kind != "unknown", "unknown": kind == "unknown"})
        for g, m in self.members.items():
            if g not in self.inside:
                named = c["platform"].map(
                    lambda p, m=m: self.kind[p] in NAMED and self.base([p]) <= m
                )
                unitemised = c["force"].map(lambda f, m=m: bool(rest[f]) and rest[f] <= m)
                self.inside[g] = named | ((kind == "not_itemised") & unitemised)
        # What each block's printed total leaves its withheld cells, and its known instances.
        rec = read("reconciliation.csv", PROCESSED).set_index(["wave", *KEY])
        n = rec[rec["total_source"] == "printed total"].loc[wave]
        n = n.filter(regex="_(lower|upper|cells)$").apply(pd.to_numeric)
        n = n[n.index.isin(c.set_index(KEY).index)]
        printed = c[~c["withheld"]].groupby(KEY)["lo"].sum().reindex(n.index, fill_value=0)
        printed += n["excluded_lower"] - n["excluded_withheld_lower"]
        self.sum_lo = 1.0 * n["total_lower"] - printed - n["excluded_withheld_upper"]
        self.sum_hi = 1.0 * n["total_upper"] - printed - n["excluded_withheld_lower"]
        k = n["excluded_withheld_cells"]  # each excluded withheld cell at the rule (same marker)
        each = rule(n["excluded_withheld_lower"] / k, n["excluded_withheld_upper"] / k)
        excluded = n["excluded_lower"] - n["excluded_withheld_lower"] + (k * each).fillna(0)
        # The best estimate of each cell: a withheld cell under a printed total at the middle of
        # its marker's range, the block's moved together, in proportion to their ranges, as
        # little as the total needs; one with no total at the middle of its range.
        w = c[c["withheld"]]
        blocks = w.groupby(KEY)[["lo", "hi"]].transform("sum")
        target = ((blocks["lo"] + blocks["hi"]) / 2).clip(
            self.sum_lo.reindex(w.set_index(KEY).index).to_numpy(),
            self.sum_hi.reindex(w.set_index(KEY).index).to_numpy(),
        )
        width = (blocks["hi"] - blocks["lo"]).replace(0, np.nan)
        fraction = ((target - blocks["lo"]) / width).fillna(0)
        c["best"] = c["lo"].astype(float)
        c.loc[w.index, "best"] = w["lo"] + fraction * (w["hi"] - w["lo"])
        known = c["value"].where(kind != "unknown", 0)
        by = c.assign(k=known, u=c["value"] - known).groupby(KEY)[["k", "u"]].sum()
        self.known = by["k"]
        if totals:
            self.known.update(rule(n["total_lower"], n["total_upper"]) - by["u"] - excluded)

    def base(self, platforms) -> set[str]:
        return {b for p in platforms if p for b in self.parts.get(p, {p})}

    def counted(self, *groups: str) -> list[str]:
        """The forces whose every named cell and unitemised rest lie wholly in or out of each group."""
        ms = [self.members[g] for g in groups if g not in ("", "all_known", "unknown")]
        return [
            f for f in self.forces if all(s <= m or not s & m for s in self.sets[f] for m in ms)
        ]

    def count(self, group: str, forces) -> float:
        if group == "all_known":
            return self.known[self.known.index.get_level_values("force").isin(forces)].sum()
        c = self.cells[self.cells["force"].isin(forces)]
        return c.loc[self.inside.loc[c.index, group], "value"].sum()

    def corner(self, group: str, den: str, forces, high: bool) -> tuple[float, float]:
        """(group, rest of the denominator) with the group's withheld cells as high (or low) as
        they can be and then the rest's as low (or high), each block's adding to what its total
        leaves them: that corner is the highest (lowest) count and share."""
        c = self.cells[self.cells["force"].isin(forces)]
        a = self.inside.loc[c.index, group]
        r = (self.inside.loc[c.index, den] & ~a) if den else a & False
        part = pd.Series(np.select([a, r], ["a", "r"], "o"), index=c.index)
        w = c[c["withheld"]]
        t = pd.DataFrame({p + e: w[e].where(part == p, 0) for p in "aro" for e in ("lo", "hi")})
        t = t.groupby([w[k] for k in KEY]).sum()
        lo = self.sum_lo.reindex(t.index, fill_value=-np.inf)  # no printed total: no bound
        hi = self.sum_hi.reindex(t.index, fill_value=np.inf)
        if high:
            x = np.minimum(t["ahi"], hi - t["rlo"] - t["olo"])
            y = np.maximum(t["rlo"], lo - x - t["ohi"])
        else:
            x = np.maximum(t["alo"], lo - t["rhi"] - t["ohi"])
            y = np.minimum(t["rhi"], hi - x - t["olo"])
        fixed = c.loc[~c["withheld"], "lo"]
        return fixed[a].sum() + x.sum(), fixed[r].sum() + y.sum()


@pytest.fixture(scope="module", params=BUILDS, ids=lambda t: str(t.relative_to(REPORTS)))
def build(request):
    return request.param, Build(request.param)


def test_builds_found():
    assert REPORTS / "tables" in BUILDS and len(BUILDS) > 1


def test_headline_recomputed(build):
    tables, b = build
    table = read("headline.csv", tables).drop_duplicates(["platform_group", "denominator", "unit"])
    assert int(b.info["forces_with_data"]) == len(b.forces)
    for _, row in table.iterrows():
        group, den, what = row["platform_group"], row["denominator"], row["measure"]
        shown = row[SHOWN_COLUMNS].astype(float)
        if not group:
            assert set(shown) == {len(b.forces)}, what
            continue
        forces = b.counted(group, den)
        assert int(row["forces_counted"]) == len(forces), what
        (a0, r0), (a1, r1) = (b.corner(group, den, forces, h) for h in (False, True))
        if row["unit"] == "count":
            mine = dict(computed=b.count(group, forces), withheld_lowest=a0, withheld_highest=a1)
        else:
            mine = dict(
                computed=100 * b.count(group, forces) / b.count(den, forces),
                withheld_lowest=100 * a0 / (a0 + r0),
                withheld_highest=100 * a1 / (a1 + r1),
            )
        for name, value in mine.items():
            assert abs(shown[name] - value) <= SHOWN, (what, name, shown[name], value)
        assert shown["withheld_lowest"] <= shown["best_estimate"] <= shown["withheld_highest"], what


def test_per_force_table_recomputed(build):
    tables, b = build
    table = read("forces.csv", tables).set_index("force")
    audit = read("forces_audit.csv", tables)
    audit = audit[audit["reason"] == "secondary"]
    secondary = set(zip(audit["force"], audit["column"], strict=True))
    ref = read("forces.csv").set_index("force").loc[b.forces, ["name", "release_region"]]
    assert list(table.index) == b.forces
    assert table[["force_name", "release_region"]].to_numpy().tolist() == ref.to_numpy().tolist()
    # Each cell's column: a platform of its own, a combined column, the rest, unitemised, unknown.
    p, kind = b.cells["platform"], b.cells["platform"].map(b.kind)
    column = p.where(p.isin(b.own_columns) | (kind == "combined"), "other_platforms")
    column = column.mask(kind == "not_itemised", "not_itemised").mask(kind == "unknown", "unknown")
    # At the best estimates: the returns' counts, each within its exact range.
    whole = np.floor(b.cells.groupby(["force", column])["best"].sum().unstack(fill_value=0) + 0.5)
    sums = {b.owner_group: [], "all_known": [], "total": []}
    cols = [c for c in table.columns if c not in {"force_name", "release_region", "returns", *sums}]
    assert set(cols) <= set(whole.columns) and set(whole.columns[(whole != 0).any()]) <= set(cols)
    shown = table[cols].replace("", np.nan).astype(float)
    for force, col in itertools.product(b.forces, cols):
        x, s = whole.at[force, col], shown.at[force, col]
        if np.isnan(s):  # redacted, not reported, or protecting another cell
            assert x <= THRESHOLD or (force, col) in secondary, (force, col, x)
        else:
            expected = np.floor(x / BASE + 0.5) * BASE if x > THRESHOLD else 0.0 if x == 0 else None
            assert s == expected, (force, col, x, s)
    sums[b.owner_group] = [c for c in cols if c in b.parts and b.base([c]) <= b.owned]
    sums["all_known"], sums["total"] = [c for c in cols if c != "unknown"], cols
    settled = set(b.counted(b.owner_group))
    for force in b.forces:
        expected = {g: str(int(shown.loc[force, cs].sum())) for g, cs in sums.items()}
        expected[b.owner_group] = expected[b.owner_group] if force in settled else ""
        assert table.loc[force, list(sums)].to_dict() == expected, force
