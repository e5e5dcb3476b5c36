"""Record a real return, letter or published figures file in data/raw/MANIFEST.csv, with its size and sha256.

Put the file, exactly as received, under data/raw/waves/<wave>/<force>/ first; then:

    .venv/bin/python scripts/add_return.py "waves/2019-10_2020-09/cheshire/FOI 123 reply.xlsx" \
        --force cheshire --request-ref "FOI 123" --date-requested 2020-10-05 \
        --date-answered 2020-11-02 --content return --outcome data \
        --period-start 2019-10-01 --period-end 2020-09-30 \
        --replaces "waves/2019-10_2020-09/cheshire/FOI 7796 Response.xlsx"

--replaces drops the manifest rows of the simulated files it replaces (delete those files with
`git rm` too). Then update the force's row in outcomes.csv, write its reading spec and run make.

A transcribed figures file goes under data/raw/published/ and is recorded with --content
published (no force, no outcome; --wave if it is a release's figures about one wave):

    .venv/bin/python scripts/add_return.py published/release_2019_12.csv --content published \
        --wave 2018-04_2019-03 --period-start 2018-04-01 --period-end 2019-03-31

Nothing is recorded that the cleaning would refuse: the path must lie under data/raw (no
absolute path, no '..'), be a regular file (no symbolic link on the way) with a name make can
use and a format the manifest knows; a return or letter lies under waves/<wave>/<force>/, its
force in data/reference/forces.csv, its wave in waves.csv and its outcome one of
src.vocab.OUTCOMES; a published file lies directly under published/, names no force or outcome,
and its wave, if given, is in waves.csv. A refusal says which and how to put it right, exits
with code 2 and leaves the manifest as it was.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from src.clean import read_outcomes
from src.data.manifest import CONTENTS, FORMATS, check_new_file, read_manifest, update_manifest
from src.data.reference import load_forces, load_reference, load_waves
from src.errors import InputError, run_main
from src.helpers import RAW, REFERENCE, ROOT, csv_text, rel, write_text
from src.vocab import OUTCOMES, OUTCOMES_WITH_DATA

#: Exit code of a refusal (as argparse's for a wrong option): nothing was recorded.
REFUSED = 2
LOG = ROOT / "build" / "logs" / "add_return.log"


def _check_wave(wave: str, args: argparse.Namespace, fix: str) -> None:
    waves_file = rel(Path(args.reference_dir) / "waves.csv")
    if wave not in set(load_waves(args.reference_dir)["wave"]):
        raise InputError(
            waves_file,
            "column 'wave'",
            f"the wave '{wave}' is not in {waves_file}" if wave else "no wave given",
            fix,
        )


def _check_published(args: argparse.Namespace, path: str, shown: str) -> str:
    """A published figures file: directly under published/, no force or outcome, a known wave
    if one is given. Returns its wave (or "")."""
    parts = Path(path).parts
    if len(parts) != 2 or parts[0] != "published":
        raise InputError(
            shown,
            "path",
            "a published figures file must lie directly under data/raw/published/",
            f"move it to published/{parts[-1]} and give that path",
        )
    if args.force or args.outcome:
        raise InputError(
            shown,
            "--force" if args.force else "--outcome",
            "a published figures file is not a force's answer, so it has no force or outcome",
            "leave out --force and --outcome (give --wave if it is a release about one wave)",
        )
    if args.wave:
        _check_wave(
            args.wave, args, "give a wave of waves.csv, or no --wave for figures of no wave"
        )
    return args.wave or ""


def _check_outcomes(args: argparse.Namespace, path: str, shown: str) -> str:
    """A wave's outcomes.csv: waves/<wave>/outcomes.csv of a known wave, no force or outcome
    (it holds every force's); its rows are checked as the cleaning checks them. Returns its
    wave; sets its provenance from its rows' (real, simulated, or mixed)."""
    parts = Path(path).parts
    if len(parts) != 3 or parts[0] != "waves" or parts[2] != "outcomes.csv":
        raise InputError(
            shown,
            "path",
            "a wave's outcomes file is waves/<wave>/outcomes.csv",
            "give that path (one outcomes file per wave)",
        )
    if args.force or args.outcome:
        raise InputError(
            shown,
            "--force" if args.force else "--outcome",
            "outcomes.csv holds every force's answer, so it has no force or outcome of its own",
            "leave out --force and --outcome",
        )
    _check_wave(parts[1], args, "put the file under waves/<wave>/ (a wave of waves.csv)")
    rows = read_outcomes(Path(args.raw_dir) / path, load_reference(args.reference_dir))
    kinds = set(rows["provenance"])
    args.provenance = kinds.pop() if len(kinds) == 1 else "mixed"
    return parts[1]


def _check(args: argparse.Namespace) -> tuple[str, str]:
    """The file's path (posix, relative to data/raw) and wave, if every argument may be
    recorded; else an InputError saying which is wrong and how to put it right."""
    path = check_new_file(args.raw_dir, args.path)
    shown = rel(Path(args.raw_dir) / path)
    parts = Path(path).parts
    suffix = Path(path).suffix.lstrip(".").lower()
    if suffix not in FORMATS:
        raise InputError(
            shown,
            "file name",
            f"'.{suffix}' is not a format the manifest records" if suffix else "no extension",
            f"the file must be one of: {', '.join(sorted(FORMATS))} (ask the force for one of "
            "these, or convert it and record both)",
        )
    if args.content == "published":
        return path, _check_published(args, path, shown)
    if args.content == "outcomes":
        return path, _check_outcomes(args, path, shown)
    if parts[0] != "waves":
        raise InputError(
            shown,
            "path",
            f"a {args.content} must lie under waves/<wave>/<force>/",
            "put it there (or give --content published for a published figures file)",
        )
    if not args.force:
        raise InputError(shown, "--force", "no force given", "give --force <slug> (forces.csv)")
    wave = args.wave or (parts[1] if len(parts) > 2 and parts[0] == "waves" else "")
    forces_file = rel(Path(args.reference_dir) / "forces.csv")
    if args.force not in set(load_forces(args.reference_dir)["force"]):
        raise InputError(
            forces_file,
            "column 'force'",
            f"the force '{args.force}' is not in {forces_file}",
            "give the force's slug as forces.csv spells it (e.g. devon-and-cornwall)",
        )
    if len(parts) > 3 and parts[0] == "waves" and parts[2] != args.force:
        raise InputError(
            shown,
            "path",
            f"the file is in the folder of force '{parts[2]}', not of '{args.force}'",
            f"put it under waves/{parts[1]}/{args.force}/, or correct --force",
        )
    _check_wave(
        wave, args, "put the file under waves/<wave>/<force>/ (a wave of waves.csv), or give --wave"
    )
    args.outcome = args.outcome or "data"
    if args.outcome not in OUTCOMES:
        raise InputError(
            shown,
            "--outcome",
            f"'{args.outcome}' is not an outcome",
            f"give one of: {', '.join(OUTCOMES)} (src/vocab.py)",
        )
    return path, wave


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="path of the file relative to data/raw")
    parser.add_argument("--wave", help="wave id (default: from the path)")
    parser.add_argument("--force", default="", help="force slug (returns and letters)")
    parser.add_argument("--request-ref", default="")
    parser.add_argument("--date-requested", default="")
    parser.add_argument("--date-answered", default="")
    parser.add_argument("--content", choices=sorted(CONTENTS), default="return")
    parser.add_argument(
        "--outcome", default="", help=f"one of: {', '.join(OUTCOMES)} (default data)"
    )
    parser.add_argument("--period-start", default="")
    parser.add_argument("--period-end", default="")
    parser.add_argument("--replaces", nargs="*", default=[], help="simulated paths to unlist")
    parser.add_argument(
        "--withdraw",
        nargs=2,
        metavar=("WAVE", "FORCE"),
        help="withdraw FORCE's return for WAVE (its files, spec and manifest rows go; its "
        "outcome becomes --outcome, default not_provided); give '-' as the path",
    )
    parser.add_argument("--note", default="", help="with --withdraw: the outcome's note")
    parser.add_argument("--raw-dir", type=Path, default=RAW)
    parser.add_argument("--reference-dir", type=Path, default=REFERENCE)
    args = parser.parse_args(argv)
    if args.withdraw:
        try:
            return withdraw(args)
        except InputError as error:
            print(error.message, file=sys.stderr)
            return REFUSED
    try:
        path, wave = _check(args)
    except InputError as error:  # nothing is recorded: the manifest is left as it was
        print(error.message, file=sys.stderr)
        return REFUSED
    meta = {
        "wave": wave,
        "force": args.force,
        "request_ref": args.request_ref,
        "date_requested": args.date_requested,
        "date_answered": args.date_answered,
        "format": Path(path).suffix.lstrip(".").lower(),
        "content": args.content,
        "outcome": args.outcome,
        "period_start": args.period_start,
        "period_end": args.period_end,
        "provenance": getattr(args, "provenance", "real"),
    }
    update_manifest(args.raw_dir, {path: meta}, drop=args.replaces)
    print(f"recorded {path} ({meta['provenance']}) in {rel(args.raw_dir / 'MANIFEST.csv')}")
    return 0


def withdraw(args: argparse.Namespace) -> int:
    """A force's return for a wave is withdrawn (a release says its figures were 'not
    provided', say): its files and their manifest rows go, its reading spec goes, and its row
    of the wave's outcomes.csv says the outcome given (with provenance real and the note
    given), the outcomes file's manifest row refreshed. Nothing changes unless all of it can."""
    wave, force = args.withdraw
    raw, reference = Path(args.raw_dir), Path(args.reference_dir)
    outcome = args.outcome or "not_provided"
    manifest = read_manifest(raw)
    files = manifest[(manifest["wave"] == wave) & (manifest["force"] == force)]
    outcomes_path = raw / "waves" / wave / "outcomes.csv"
    shown = rel(outcomes_path)
    if outcome not in OUTCOMES or outcome in OUTCOMES_WITH_DATA:
        raise InputError(
            "--outcome",
            outcome,
            "a withdrawn return's outcome is one without counts",
            f"give one of: {', '.join(o for o in OUTCOMES if o not in OUTCOMES_WITH_DATA)}",
        )
    rows = read_outcomes(outcomes_path, load_reference(reference))
    if force not in set(rows["force"]):
        raise InputError(
            shown,
            "column 'force'",
            f"the force '{force}' has no row in wave {wave}'s outcomes",
            "give a force the wave asked (its outcomes.csv lists them)",
        )
    at = rows["force"] == force
    rows.loc[at, ["outcome", "questions_answered", "period_start", "period_end"]] = [
        outcome,
        "none",
        "",
        "",
    ]
    rows.loc[at, "provenance"] = "real"
    rows.loc[at, "note"] = args.note or "Withdrawn: the figures were not provided."
    for path in files["path"]:
        (raw / path).unlink(missing_ok=True)
    (reference / "specs" / wave / f"{force}.yaml").unlink(missing_ok=True)
    write_text(outcomes_path, csv_text(rows))
    kinds = set(rows["provenance"])
    own = manifest[manifest["path"] == f"waves/{wave}/outcomes.csv"]
    meta = {k: v for k, v in own.iloc[0].items() if k not in ("path", "bytes", "sha256")}
    meta["provenance"] = kinds.pop() if len(kinds) == 1 else "mixed"
    update_manifest(raw, {f"waves/{wave}/outcomes.csv": meta}, drop=list(files["path"]))
    print(
        f"withdrew {force}'s return for wave {wave}: {len(files)} file(s) and its spec removed, "
        f"its outcome now '{outcome}' in {shown}"
    )
    return 0


if __name__ == "__main__":
    run_main(main, LOG)
