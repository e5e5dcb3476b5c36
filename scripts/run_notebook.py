"""Run one notebook with papermill and finalise the executed copy, in a single process.

    python scripts/run_notebook.py SOURCE.ipynb OUTPUT.ipynb -k KERNEL [papermill options]

The same as ``papermill SOURCE OUTPUT [options]`` followed by ``python -m src.runner.notebooks
OUTPUT``, with less waiting (bench/README.md measures each):

- the kernel is started first (``src.runner.kernels``), so that it boots while papermill and nbformat
  are imported, instead of after;
- nbformat validates with jsonschema, which imports the optional ``rfc3987_syntax`` package
  when it is installed: a slow import (seconds) for an IRI format check that notebooks never
  use (python-jsonschema/jsonschema#1428). It is blocked here, so jsonschema skips that check;
- once the executed notebook is written, the process ends without tearing down the modules it
  imported (``os._exit``), which takes longer than running an empty notebook's cell. A failure
  exits the usual way, with its traceback.
"""

import logging
import os
import sys

sys.modules.setdefault("rfc3987_syntax", None)

from src import runner  # noqa: E402


def main(argv: list[str]) -> None:
    manager = runner.start(runner.kernel_option(argv))
    runner.run(argv, manager)  # papermill is imported while the kernel boots


if __name__ == "__main__":
    main(sys.argv[1:])
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
