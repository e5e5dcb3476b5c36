"""Start a notebook's kernel before papermill is imported, so the two take their second each
at once; only jupyter_client is imported here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client.kernelspec import NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from src.errors import InputError

# nbclient starts its kernels with IPython's history kept in memory (its `ipython_hist_file`),
# so nothing is written to the user's ~/.ipython; a kernel started here does the same.
EXTRA_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)


def kernel_option(argv: list[str]) -> str:
    """The kernel named by papermill's ``-k NAME`` / ``--kernel NAME`` option in ``argv``."""
    for i, arg in enumerate(argv):
        if arg in ("-k", "--kernel") and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--kernel="):
            return arg.split("=", 1)[1]
    raise SystemExit(
        "scripts/run_notebook.py needs the kernel to run the notebook with: -k NAME "
        "(the Makefile passes -k $(KERNEL))"
    )


def start(name: str) -> AsyncKernelManager:
    """Start kernel ``name`` (in this process's folder and environment, as papermill would)
    and return its manager without waiting; a kernel not installed is an InputError."""
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # The kernel's sockets are files in a folder of its own (IPC), not TCP ports: kernels
    # started side by side (make -j) cannot pick the same port.
    sockets = Path(tempfile.mkdtemp(prefix="foi-kernel-"))
    manager = AsyncKernelManager(kernel_name=name, transport="ipc", ip=str(sockets / "kernel"))
    try:
        run_sync(manager.start_kernel)(extra_arguments=list(EXTRA_ARGUMENTS))
    except NoSuchKernel:
        raise InputError(
            "scripts/run_notebook.py",
            f"option -k {name}",
            f"no Jupyter kernel named '{name}' is installed",
            "run `make setup` (scripts/register_kernel.py registers the project's kernel in "
            ".venv), or name an installed kernel (`.venv/bin/jupyter kernelspec list`)",
        ) from None
    return manager


def stop(manager: AsyncKernelManager) -> None:
    """Shut the kernel down now, if it is still running (papermill stops it when a notebook
    ends; this is for when papermill never got to run it)."""
    if run_sync(manager.is_alive)():
        run_sync(manager.shutdown_kernel)(now=True)
    run_sync(manager.cleanup_resources)()
    remove_sockets(manager)


def remove_sockets(manager: AsyncKernelManager) -> None:
    """Remove the folder of the kernel's socket files (after the kernel has stopped)."""
    folder = Path(manager.ip).parent
    if folder.name.startswith("foi-kernel-"):
        shutil.rmtree(folder, ignore_errors=True)
