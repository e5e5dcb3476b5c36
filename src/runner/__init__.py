"""How ``make`` runs a notebook: a kernel started before papermill is imported, handed to
papermill through an engine of its own, and the executed copy cleaned of what differs between
runs. Used by ``scripts/run_notebook.py``; no step imports it.

The face imports only the kernel side at once; papermill (``src.runner.notebooks``) is imported
by :func:`run`, so that the kernel boots while papermill loads.
"""

from __future__ import annotations

from src.runner.kernels import kernel_option, start, stop

__all__ = ["kernel_option", "run", "start", "stop"]


def run(argv: list[str], manager) -> None:
    """Run the notebook papermill's ``argv`` names on the started kernel ``manager``; the
    kernel is shut down whatever happens."""
    try:
        from src.runner.notebooks import run as run_notebook
    except BaseException:
        stop(manager)
        raise
    run_notebook(argv, manager)
