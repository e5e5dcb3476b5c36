"""Run one notebook with papermill and finalise the executed copy, in a single process.

    python scripts/run_notebook.py SOURCE.ipynb OUTPUT.ipynb [papermill options]

The same as ``papermill SOURCE OUTPUT [options]`` followed by ``python -m src.notebooks
OUTPUT``, without paying Python's start-up and nbformat's imports twice. nbformat validates
with jsonschema, which imports the optional ``rfc3987_syntax`` package when it is installed:
a slow import (seconds) for an IRI format check that notebooks never use
(python-jsonschema/jsonschema#1428). It is blocked here, so jsonschema skips that check.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)

from papermill.cli import papermill  # noqa: E402

from src.notebooks import finalise_file  # noqa: E402


def main(argv: list[str]) -> None:
    papermill.main(argv, prog_name="papermill", standalone_mode=False)
    finalise_file(argv[1])


if __name__ == "__main__":
    main(sys.argv[1:])
