"""Record a real return (or letter) in data/raw/MANIFEST.csv, with its size and sha256.

Put the file, exactly as received, under data/raw/waves/<wave>/<force>/ first; then:

    .venv/bin/python scripts/add_return.py "waves/2019-10_2020-09/cheshire/FOI 123 reply.xlsx" \
        --force cheshire --request-ref "FOI 123" --date-requested 2020-10-05 \
        --date-answered 2020-11-02 --content return --outcome data \
        --period-start 2019-10-01 --period-end 2020-09-30 \
        --replaces "waves/2019-10_2020-09/cheshire/FOI 7796 Response.xlsx"

--replaces drops the manifest rows of the simulated files it replaces (delete those files with
`git rm` too). Then update the force's row in outcomes.csv, write its reading spec and run make.

Nothing is recorded that the cleaning would refuse: the path must lie under data/raw (no
absolute path, no '..'), be a regular file (no symbolic link on the way) with a name make can
use and a format the manifest knows; the force must be in data/reference/forces.csv, the wave
in waves.csv and the outcome one of src.vocab.OUTCOMES. A refusal says which and how to put it
right, exits with code 2 and leaves the manifest as it was.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from src.data.manifest import CONTENTS, FORMATS, check_new_file, update_manifest
from src.data.reference import load_forces, load_waves
from src.errors import InputError, run_main
from src.helpers import RAW, REFERENCE, ROOT, rel
from src.vocab import OUTCOMES

#: Exit code of a refusal (as argparse's for a wrong option): nothing was recorded.
REFUSED = 2
LOG = ROOT / "build" / "logs" / "add_return.log"


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
    waves_file = rel(Path(args.reference_dir) / "waves.csv")
    if wave not in set(load_waves(args.reference_dir)["wave"]):
        raise InputError(
            waves_file,
            "column 'wave'",
            f"the wave '{wave}' is not in {waves_file}" if wave else "no wave given",
            "put the file under waves/<wave>/<force>/ (a wave of waves.csv), or give --wave",
        )
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
    parser.add_argument("--force", required=True)
    parser.add_argument("--request-ref", default="")
    parser.add_argument("--date-requested", default="")
    parser.add_argument("--date-answered", default="")
    parser.add_argument("--content", choices=sorted(CONTENTS - {"published"}), default="return")
    parser.add_argument("--outcome", default="data", help=f"one of: {', '.join(OUTCOMES)}")
    parser.add_argument("--period-start", default="")
    parser.add_argument("--period-end", default="")
    parser.add_argument("--replaces", nargs="*", default=[], help="simulated paths to unlist")
    parser.add_argument("--raw-dir", type=Path, default=RAW)
    parser.add_argument("--reference-dir", type=Path, default=REFERENCE)
    args = parser.parse_args(argv)
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
        "provenance": "real",
    }
    update_manifest(args.raw_dir, {path: meta}, drop=args.replaces)
    print(f"recorded {path} (real) in {args.raw_dir / 'MANIFEST.csv'}")
    return 0


if __name__ == "__main__":
    run_main(main, LOG)
