"""Read a variable as the project's Makefile sets it, for tests of how make runs things."""

from __future__ import annotations

import subprocess

from src.helpers import ROOT


def makefile_variable(name: str) -> str:
    """The value of ``name`` as make expands it in the project's Makefile."""
    done = subprocess.run(
        [
            "make",
            "-s",
            "--no-print-directory",
            f"--eval=_print-var: ; @echo $({name})",
            "_print-var",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    value = done.stdout.strip()
    if not value:
        raise ValueError(f"the Makefile does not set {name}")
    return value
