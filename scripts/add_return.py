"""Record a real return (or letter) in data/raw/MANIFEST.csv, with its size and sha256.

Put the file, exactly as received, under data/raw/waves/<wave>/<force>/ first; then:

    .venv/bin/python scripts/add_return.py "waves/2019-10_2020-09/cheshire/FOI 123 reply.xlsx" \
        --force cheshire --request-ref "FOI 123" --date-requested 2020-10-05 \
        --date-answered 2020-11-02 --content return --outcome data \
        --period-start 2019-10-01 --period-end 2020-09-30 \
        --replaces "waves/2019-10_2020-09/cheshire/FOI 7796 Response.xlsx"

--replaces drops the manifest rows of the simulated files it replaces (delete those files with
`git rm` too). Then update the force's row in outcomes.csv, write its reading spec and run make.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from src.data.manifest import CONTENTS, update_manifest
from src.helpers import RAW


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="path of the file relative to data/raw")
    parser.add_argument("--wave", help="wave id (default: from the path)")
    parser.add_argument("--force", required=True)
    parser.add_argument("--request-ref", default="")
    parser.add_argument("--date-requested", default="")
    parser.add_argument("--date-answered", default="")
    parser.add_argument("--content", choices=sorted(CONTENTS - {"published"}), default="return")
    parser.add_argument("--outcome", default="data")
    parser.add_argument("--period-start", default="")
    parser.add_argument("--period-end", default="")
    parser.add_argument("--replaces", nargs="*", default=[], help="simulated paths to unlist")
    parser.add_argument("--raw-dir", type=Path, default=RAW)
    args = parser.parse_args(argv)
    path = Path(args.path).as_posix()
    if not (args.raw_dir / path).is_file():
        parser.error(f"no file {args.raw_dir / path}: put it under data/raw first")
    parts = Path(path).parts
    wave = args.wave or (parts[1] if len(parts) > 2 and parts[0] == "waves" else "")
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
    raise SystemExit(main())
