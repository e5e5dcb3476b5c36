"""One clear message per stop: the runner (scripts/run_notebook.py, as the Makefile runs it) and
the scripts (src.errors.run_main) print an InputError's file, place, problem and fix alone, say
that any other exception is unexpected, and put the traceback in a log file they name; a
parameter name the notebook does not declare is refused before anything runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from make_variables import makefile_variable
from nbformat.v4 import new_code_cell, new_notebook

from src.errors import InputError
from src.helpers import ROOT
from src.runner import log_path
from src.runner.parameters import Given, check, given_names

RUNNER = ROOT / "scripts" / "run_notebook.py"
KERNEL = makefile_variable("KERNEL")
OPTIONS = makefile_variable("PAPERMILL_OPTIONS").split()
#: A stop is a message, not a screen of traceback.
MAX_LINES = 12

RAISES_INPUT_ERROR = (
    "from src.errors import InputError\n"
    "raise InputError('data/raw/x.csv', 'row 3', 'a problem', 'a fix')"
)
PARAMETERS = "factor = 1\nlabel = 'x'"


def _notebook(path: Path, *cells: str, parameters: str | None = PARAMETERS) -> Path:
    first = [new_code_cell(parameters, metadata={"tags": ["parameters"]})] if parameters else []
    nb = new_notebook(cells=[*first, *(new_code_cell(source) for source in cells)])
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": KERNEL, "language": "python"}
    nbformat.write(nb, path)
    return path


def _run(source: Path, output: Path, *extra: str) -> tuple[int, str]:
    """Run the runner as the Makefile does; its exit code and everything it printed."""
    done = subprocess.run(
        [sys.executable, RUNNER, source, output, *OPTIONS, *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=180,
    )
    return done.returncode, done.stdout


def _named_log(printed: str) -> Path:
    """The log file the message names, on its line ``Full traceback: PATH``."""
    (line,) = [line for line in printed.splitlines() if "Full traceback:" in line]
    path = Path(line.split("Full traceback:", 1)[1].strip())
    return path if path.is_absolute() else ROOT / path


def _short_and_no_traceback(printed: str) -> None:
    assert len(printed.splitlines()) < MAX_LINES, printed
    assert "Traceback" not in printed and "PapermillExecutionError" not in printed, printed
    assert 'File "' not in printed, printed


def _failed_cell(output: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(output, as_version=4)
    (cell,) = [
        c
        for c in nb.cells
        if c.cell_type == "code" and c.get("outputs") and c.outputs[-1].output_type == "error"
    ]
    return cell


# --- A notebook stopped by its input ------------------------------------------------------------


@pytest.fixture(scope="module")
def input_stop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("input-stop")
    source = _notebook(folder / "source.ipynb", "x = 1", RAISES_INPUT_ERROR, "print('never')")
    output = folder / "executed.ipynb"
    code, printed = _run(source, output)
    return code, printed, output


def test_an_input_error_prints_its_file_place_problem_and_fix_alone(input_stop):
    code, printed, _ = input_stop
    assert code == 1
    _short_and_no_traceback(printed)
    assert printed.startswith("data/raw/x.csv, row 3: a problem\n  How to fix: a fix\n")
    # The message and the line naming the log, nothing else (no papermill logging).
    assert len([line for line in printed.splitlines() if line.strip()]) == 3, printed


def test_an_input_error_names_the_log_holding_the_traceback(input_stop):
    code, printed, output = input_stop
    log = _named_log(printed)
    assert log == output.with_suffix(".log")
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "raise InputError('data/raw/x.csv'" in text
    assert "\x1b[" not in text  # the kernel's colours are stripped


def test_an_input_error_keeps_the_executed_copy_with_the_failing_cell_marked(input_stop):
    _, _, output = input_stop
    cell = _failed_cell(output)
    assert cell.source == RAISES_INPUT_ERROR
    assert cell.outputs[-1].ename == "InputError"
    nb = nbformat.read(output, as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)


# --- A notebook stopped by a bug ----------------------------------------------------------------


@pytest.fixture(scope="module")
def unexpected_stop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unexpected-stop")
    source = _notebook(folder / "source.ipynb", "numbers = [1, 2]", "total = 1 / 0")
    output = folder / "executed.ipynb"
    code, printed = _run(source, output)
    return code, printed, output


def test_an_unexpected_error_says_so_with_its_type_and_message(unexpected_stop):
    code, printed, _ = unexpected_stop
    assert code == 3
    _short_and_no_traceback(printed)
    assert "unexpected" in printed.lower() and "not a problem with the input" in printed
    assert "ZeroDivisionError: division by zero" in printed
    assert "cell In [3]" in printed  # which cell: the parameters, numbers = ..., then this one


def test_an_unexpected_error_names_the_log_and_keeps_the_marked_copy(unexpected_stop):
    _, printed, output = unexpected_stop
    text = _named_log(printed).read_text(encoding="utf-8")
    assert "Traceback" in text and "total = 1 / 0" in text and "ZeroDivisionError" in text
    assert _failed_cell(output).source == "total = 1 / 0"


def test_a_good_run_removes_the_log_of_an_earlier_stop(tmp_path):
    source = _notebook(tmp_path / "source.ipynb", "factor * 2")
    output = tmp_path / "executed.ipynb"
    stale = log_path([str(source), str(output)])
    stale.write_text("an earlier stop\n", encoding="utf-8")
    code, printed = _run(source, output, "-p", "factor", "3")
    assert code == 0, printed
    assert printed == ""
    assert not stale.exists()
    assert nbformat.read(output, as_version=4).cells[-1].outputs[0].data["text/plain"] == "6"


# --- A notebook stopped by the machine ------------------------------------------------------------

MACHINE_STOPS = {
    "disk-full": (
        "import errno\nraise OSError(errno.ENOSPC, 'No space left on device', 'data/processed/x.csv')",
        ["the disk is full", "data/processed/x.csv", "free space on the disk"],
    ),
    "read-only": (
        "import errno\nraise OSError(errno.EROFS, 'Read-only file system', 'data/processed/x.csv')",
        ["read-only file system", "data/processed/x.csv", "writable copy of the checkout"],
    ),
    "killed-kernel": (
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
        ["the notebook's process ended", "for want of memory", "give the machine more memory"],
    ),
}


@pytest.mark.parametrize("cell, words", MACHINE_STOPS.values(), ids=MACHINE_STOPS.keys())
def test_a_machine_problem_is_named_with_its_fix_not_called_a_bug(tmp_path, cell, words):
    source = _notebook(tmp_path / "source.ipynb", "x = 1", cell)
    code, printed = _run(source, tmp_path / "executed.ipynb")
    assert code == 1, printed
    _short_and_no_traceback(printed)
    assert "stopped by the machine, not by the input or the code" in printed
    assert "bug" not in printed
    for text in words:
        assert text in printed
    assert "How to fix:" in printed and _named_log(printed).is_file()


def test_a_log_that_cannot_be_written_gives_no_second_traceback(tmp_path, capsys):
    from src.errors import unexpected_stop

    log = tmp_path / "file" / "x.log"
    (tmp_path / "file").write_text("a file where the log's folder should be")
    message = "[Errno 28] No space left on device: 'data/processed/x.csv'"
    assert unexpected_stop("step 10", "OSError", message, log, "Traceback ...") == 1
    printed = capsys.readouterr().err
    assert "the disk is full" in printed and "the traceback could not be written" in printed


# --- Parameters the notebook does not declare ---------------------------------------------------


def test_a_mistyped_parameter_is_refused_with_the_right_name_suggested(tmp_path):
    source = _notebook(tmp_path / "source.ipynb", "print(factor)")
    output = tmp_path / "executed.ipynb"
    code, printed = _run(source, output, "-p", "factr", "2")
    assert code == 1
    _short_and_no_traceback(printed)
    assert "'factr'" in printed and "did you mean 'factor'?" in printed
    assert "factor, label" in printed  # the declared names
    assert str(source) in printed
    assert not output.exists()


def test_a_mistyped_key_in_a_parameters_file_is_refused(tmp_path):
    source = _notebook(tmp_path / "source.ipynb", "print(label)")
    output = tmp_path / "executed.ipynb"
    params = tmp_path / "params.yaml"
    params.write_text("# a variant\nfactor: 2\nlabl: y\n", encoding="utf-8")
    code, printed = _run(source, output, "-f", str(params), "-p", "factor", "3")
    assert code == 1
    _short_and_no_traceback(printed)
    assert printed.startswith(f"{params}, key 'labl' (line 3):")
    assert "did you mean 'label'?" in printed
    assert not output.exists()


def test_a_parameter_for_a_notebook_without_parameters_is_refused(tmp_path):
    source = _notebook(tmp_path / "source.ipynb", "1", parameters=None)
    output = tmp_path / "executed.ipynb"
    code, printed = _run(source, output, "-y", "factor: 2")
    assert code == 1
    _short_and_no_traceback(printed)
    assert "declares no parameters" in printed and "'factor'" in printed
    assert not output.exists()


def test_a_missing_parameters_file_is_an_input_error(tmp_path):
    source = _notebook(tmp_path / "source.ipynb", "1")
    missing = tmp_path / "nope.yaml"
    code, printed = _run(source, tmp_path / "out.ipynb", "-f", str(missing))
    assert code == 1
    _short_and_no_traceback(printed)
    assert printed.startswith(f"{missing}: cannot be read")


def test_the_names_are_read_from_every_kind_of_option():
    options = {
        "parameters_base64": ("b25lOiAx",),  # "one: 1"
        "parameters_file": ("p.yaml",),
        "parameters_yaml": ("three: 3\nfour: 4",),
        "parameters": (("five", "5"),),
        "parameters_raw": (("six", "6"),),
    }
    given = given_names(options, {"p.yaml": "\ntwo: [2]\n"})
    assert [g.name for g in given] == ["one", "two", "three", "four", "five", "six"]
    assert given[1] == Given("two", "p.yaml", "key 'two' (line 2)")
    assert given[4].place == "option -p five 5"


@pytest.mark.parametrize(
    ("text", "problem"),
    [("- a list\n", "holds no mapping"), ("a: [1\n", "is not valid YAML")],
)
def test_a_parameters_file_that_is_no_mapping_is_an_input_error(text, problem):
    with pytest.raises(InputError, match=problem) as caught:
        given_names({"parameters_file": ("p.yaml",)}, {"p.yaml": text})
    assert caught.value.file == "p.yaml"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "factor: !!python/object/apply:os.system ['touch {marker}']\n",
            ["p.yaml, line 1: YAML tags are not allowed (here !!python/object/apply:os.system)"],
        ),
        (
            "label: &a [x, x, x]\nfactor: [*a, *a, *a]\n",
            ["p.yaml, line 1: YAML anchors and aliases (&, *) are not allowed"],
        ),
    ],
    ids=["python-tag", "alias"],
)
def test_a_parameters_file_with_a_tag_or_an_alias_stops_before_anything_runs(tmp_path, text, words):
    marker = tmp_path / "ran"
    params = tmp_path / "p.yaml"
    params.write_text(text.format(marker=marker))
    source = _notebook(tmp_path / "source.ipynb", "print(factor)")
    output = tmp_path / "executed.ipynb"
    code, printed = _run(source, output, "-f", str(params))
    assert code == 1, printed
    _short_and_no_traceback(printed)
    for text in words:
        assert text in printed
    assert "bug" not in printed and "How to fix" in printed
    assert not marker.exists() and not output.exists()


def test_declared_names_and_the_notebooks_builtins_pass():
    given = [Given("factor", "", "option -p factor 1"), Given("PAPERMILL_INPUT_PATH", "", "")]
    check("nb.ipynb", given, ["factor"])  # no error
    with pytest.raises(InputError, match=r"nor other\)") as caught:
        check("nb.ipynb", [*given, Given("fator", "", "x"), Given("other", "", "y")], ["factor"])
    assert "did you mean 'factor'?" in caught.value.fix


# --- The scripts: src.errors.run_main -----------------------------------------------------------

SCRIPT = """\
import sys
from src.errors import InputError, run_main

def main():
    if sys.argv[1] == "input":
        raise InputError("data/raw/y.csv", "column B", "is empty", "fill it in")
    if sys.argv[1] == "bug":
        {}["missing key"]
    print("done")
    return 0

run_main(main, sys.argv[2])
"""


@pytest.mark.parametrize("case", ["input", "bug", "fine"])
def test_run_main_gives_one_message_and_the_right_exit_code(tmp_path, case):
    script = tmp_path / "script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    log = tmp_path / "logs" / "script.log"
    done = subprocess.run(
        [sys.executable, script, case, log],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    printed = done.stdout + done.stderr
    _short_and_no_traceback(printed)
    if case == "input":
        assert done.returncode == 1
        assert done.stderr == "data/raw/y.csv, column B: is empty\n  How to fix: fill it in\n"
        assert not log.exists()
    elif case == "bug":
        assert done.returncode == 3
        assert "Unexpected error in" in done.stderr and "KeyError: 'missing key'" in done.stderr
        assert _named_log(done.stderr) == log
        assert "Traceback" in log.read_text(encoding="utf-8")
    else:
        assert (done.returncode, printed) == (0, "done\n")


def test_build_report_prints_its_input_error_alone(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            ROOT / "scripts" / "build_report.py",
            "--tables",
            tmp_path,
            "--out",
            tmp_path / "report.html",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    _short_and_no_traceback(done.stdout + done.stderr)
    assert done.stderr.startswith(f"{tmp_path / 'headline.csv'}: a table the report needs")
    assert "How to fix:" in done.stderr
    assert not (tmp_path / "report.html").exists()


def test_a_bad_parameter_value_names_the_parameters_file_it_came_from(tmp_path):
    refuses = (
        "from src.errors import InputError\n"
        "raise InputError('parameters', 'label', f'{label!r} is no label', 'use x')"
    )
    source = _notebook(tmp_path / "source.ipynb", refuses)
    params = tmp_path / "params.yaml"
    params.write_text("label: y\n", encoding="utf-8")
    code, printed = _run(source, tmp_path / "executed.ipynb", "-f", str(params))
    assert code == 1
    _short_and_no_traceback(printed)
    assert printed.startswith(f"{params} (parameters), label: 'y' is no label")
    # Without a parameters file, the value is the notebook's own: "parameters" it stays.
    code, printed = _run(source, tmp_path / "executed.ipynb", "-p", "label", "z")
    assert printed.startswith("parameters, label: 'z' is no label")
