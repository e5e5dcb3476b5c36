"""Make an executed notebook byte-identical from run to run before it is committed.

papermill records timings and paths of the run, and the kernel may split one cell's printed
output into several stream chunks depending on when it flushed. Both change the bytes of the
executed notebook without changing what a reader sees. ``finalise`` removes the first and
merges the second; outputs and execution counts are kept (nbval needs both).

Used by the Makefile: ``python -m src.notebooks <executed.ipynb>`` (rewrites it in place).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor
from nbstripout import strip_output

# Metadata that differs between runs of the same notebook on the same inputs.
RUN_METADATA = [
    "metadata.papermill",
    "metadata.widgets",
    "cell.metadata.papermill",
    "cell.metadata.execution",
]


def finalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Merge split stream outputs, drop run metadata, renumber cell ids; keep outputs."""
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    return strip_output(
        nb, keep_output=True, keep_count=True, keep_id=False, extra_keys=RUN_METADATA
    )


def finalise_file(path: Path | str) -> None:
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.write(finalise(nb), path)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        finalise_file(name)
