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
  exits the usual way.

A notebook that stops prints one message, not papermill's traceback (``src.runner``): an
InputError's file, place, problem and fix (exit 1), the machine's problem and its fix (a full
disk, a read-only folder, memory, a killed kernel: exit 1), or, for anything else, that it is
unexpected (exit 3); each names the log beside OUTPUT that holds the traceback. A parameter
the notebook does not declare is refused before anything runs (exit 1), and a mistyped option
gets papermill's usage message (exit 2).
"""

import logging
import os
import sys

sys.modules.setdefault("rfc3987_syntax", None)

from src import runner  # noqa: E402

if __name__ == "__main__":
    code = runner.main(sys.argv[1:])
    if code:
        sys.exit(code)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
