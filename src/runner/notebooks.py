"""An executed notebook that is the same bytes from run to run: nbclient merges each cell's
stream chunks (``coalesce_streams``), and :func:`finalise` removes papermill's run metadata and
renumbers the cell ids, keeping outputs and execution counts (nbval needs both).
``python -m src.runner.notebooks <executed.ipynb>`` finalises a notebook in place.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbstripout import strip_output
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError, strip_color
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE = "prestarted-kernel"

# Metadata that differs between runs of the same notebook on the same inputs.
RUN_METADATA = [
    "metadata.papermill",
    "metadata.widgets",
    "cell.metadata.papermill",
    "cell.metadata.execution",
]


def finalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop the run metadata and renumber the cell ids; keep outputs and execution counts."""
    return strip_output(
        nb, keep_output=True, keep_count=True, keep_id=False, extra_keys=RUN_METADATA
    )


def finalise_file(path: Path | str) -> None:
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.write(finalise(nb), path)


def failure_text(source: str, error: PapermillExecutionError) -> str:
    """What the log of a notebook stopped by an exception in a cell holds: the cell, and the
    kernel's traceback without its colours."""
    traceback = strip_color("\n".join(error.traceback))
    cell = textwrap.indent(error.source, "    ")
    return (
        f"{source} stopped at cell In [{error.exec_count}] with {error.ename}.\n\n"
        f"The cell:\n{cell}\n\nTraceback, in the kernel:\n{traceback}\n"
    )


class KernelDiedError(RuntimeError):
    """The kernel ended before the notebook did (nbclient's ``DeadKernelError``, reported by
    the runner as an unexpected stop rather than by papermill with its traceback)."""


class PrestartedKernelEngine(NBClientEngine):
    """papermill's default engine (nbclient) on the kernel :attr:`manager` already starting,
    shut down at the end as its own would be, with each cell's stream outputs merged."""

    manager: AsyncKernelManager | None = None

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        if cls.manager is None:
            raise RuntimeError("PrestartedKernelEngine.manager is not set: start a kernel first")
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        options = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            coalesce_streams=True,
            # Every cell has finished and its output is in; nothing is left for the kernel to
            # do at exit, so it is stopped without the grace period (saves a few tenths of a s).
            shutdown_kernel="immediate",
        )
        client = PapermillNotebookClient(nb_man, km=cls.manager, **options)
        try:
            return client.execute(cleanup_kc=True)
        except DeadKernelError as error:
            raise KernelDiedError(f"the kernel died while running the notebook: {error}") from error


papermill_engines.register(ENGINE, PrestartedKernelEngine)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        finalise_file(name)
