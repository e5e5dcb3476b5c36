"""papermill's command line on a started kernel, with one clear message when a notebook stops:
the runner's orchestrator, its one module that reads or writes files.

:func:`run` parses papermill's ``argv`` with papermill's own command (click), refuses parameter
names the notebook does not declare (``src.runner.parameters``), runs papermill on the kernel
already started (``src.runner.notebooks.PrestartedKernelEngine``) and finalises the executed
copy. A notebook stopped in a cell leaves its executed copy, with the failing cell marked, where
papermill wrote it, and its traceback in the log:

- by an InputError: that error's message alone, and the line naming the log (exit 1);
- by the machine (a full disk, a read-only folder, memory, a killed kernel): which, and the fix
  (exit 1);
- by any other exception: says it is unexpected, with its type and first line (exit 3).

Nothing of papermill's own traceback is printed.
"""

from __future__ import annotations

from pathlib import Path

import click
from jupyter_client.manager import AsyncKernelManager
from papermill import inspect_notebook
from papermill.cli import papermill
from papermill.exceptions import PapermillExecutionError
from papermill.iorw import papermill_io

from src.errors import InputError, input_stop, shown, unexpected_stop, write_log
from src.runner import kernels, parameters
from src.runner.notebooks import ENGINE, PrestartedKernelEngine, failure_text, finalise_file

#: The input error's class name as the kernel reports it (``ename``).
INPUT_ERROR = InputError.__name__
#: The file named by a problem with a notebook parameter (the notebook's own defaults).
PARAMETERS = "parameters"


def check_parameters(options: dict) -> None:
    """Refuse a parameter name, from any of papermill's ``options``, that the notebook does not
    declare (an InputError); before anything is executed or written."""
    files = {}
    for path in options.get("parameters_file") or ():
        try:
            files[path] = papermill_io.read(path, [".json", ".yaml", ".yml"])
        except OSError as error:
            raise InputError(
                path,
                "",
                f"cannot be read ({error.strerror or error})",
                "give -f the path of a YAML file of parameters, e.g. params/variants/<name>.yaml",
            ) from None
    given = parameters.given_names(options, files)
    if not given:
        return
    source = options["notebook_path"]
    parameters.check(source, given, inspect_notebook(source))


def stopped(source: str, error: PapermillExecutionError, log: Path, files=()) -> int:
    """Report a notebook stopped by an exception in one of its cells; return the exit code. A
    problem with a parameter names the parameters file it came from (``files``), if any."""
    details = failure_text(source, error)
    if error.ename == INPUT_ERROR:
        message = error.evalue
        if files and message.startswith(f"{PARAMETERS}, "):
            message = f"{', '.join(files)} ({PARAMETERS}), " + message[len(PARAMETERS) + 2 :]
        return input_stop(message, write_log(log, details))
    where = f"{shown(source)}, cell In [{error.exec_count}]"
    return unexpected_stop(where, error.ename, error.evalue, log, details)


def execute(argv: list[str], log: Path) -> int:
    """papermill's command line on ``argv``, with our engine; the exit code."""
    source, files = None, ()
    try:
        context = papermill.make_context("papermill", [*argv, "--engine", ENGINE])
        source = context.params["notebook_path"]
        files = context.params.get("parameters_file") or ()
        with context:
            check_parameters(context.params)
            papermill.invoke(context)
    except click.exceptions.Exit as done:  # --help, --version: nothing was run
        raise SystemExit(done.exit_code) from None
    except click.ClickException as error:  # a mistyped option: click's usage message
        error.show()
        return error.exit_code
    except PapermillExecutionError as error:
        return stopped(source, error, log, files)
    except FileNotFoundError as error:
        if error.filename != source:
            raise
        raise InputError(
            source, "", "no such notebook", "give the path of a notebook under notebooks/"
        ) from None
    return 0


def run(argv: list[str], manager: AsyncKernelManager, log: Path) -> int:
    """``papermill SOURCE OUTPUT [options]`` on the kernel ``manager`` has started, then
    :func:`finalise_file` on OUTPUT; returns the exit code. The kernel is shut down whatever
    happens; a log left by an earlier failed run is removed first."""
    log.unlink(missing_ok=True)
    PrestartedKernelEngine.manager = manager
    try:
        code = execute(argv, log)
    finally:
        kernels.stop(manager)
    if code == 0:
        finalise_file(argv[1])
    return code
