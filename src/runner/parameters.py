"""The parameter names a papermill command line gives (:func:`given_names`), checked against
the notebook's own (:func:`check`): papermill would inject a mistyped name with only a warning,
and build a copy of the default."""

from __future__ import annotations

import base64
import binascii
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import yaml
from papermill.iorw import NoDatesSafeLoader

from src.errors import InputError

#: Names papermill itself injects (``--inject-paths``); the notebook need not declare them.
BUILTIN = frozenset({"PAPERMILL_INPUT_PATH", "PAPERMILL_OUTPUT_PATH"})


@dataclass(frozen=True)
class Given:
    """A parameter name and where it was given: ``file`` is the ``-f`` file that holds it
    ("" for the command line) and ``place`` the key or the option, as a person would find it."""

    name: str
    file: str
    place: str


def yaml_names(text: str, file: str, option: str) -> list[Given]:
    """The top-level keys of the YAML ``text`` (a ``-f`` file's, or a ``-y``/``-b`` string),
    with their lines. Read as papermill reads it (``NoDatesSafeLoader``); a document that is
    not a mapping of names to values is an InputError."""
    # Imported here: src.helpers imports pandas, which a run without YAML need not wait for.
    from src.helpers import check_yaml

    name = file or f"the command line ({option})"
    check_yaml(text, name)
    try:
        node = yaml.compose(text, Loader=NoDatesSafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InputError(
            name, place, f"is not valid YAML ({problem})", "write one `name: value` per line"
        ) from None
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        raise InputError(
            name,
            f"line {node.start_mark.line + 1}",
            "holds no mapping of parameter names to values",
            "write one `name: value` per line, each name a parameter of the notebook",
        )
    return [
        Given(
            key.value,
            file,
            f"key '{key.value}' (line {key.start_mark.line + 1})" if file else option,
        )
        for key, _ in node.value
    ]


def given_names(options: Mapping, files: Mapping[str, str]) -> list[Given]:
    """Every parameter name papermill's parsed ``options`` (its click parameters) give, in the
    order papermill merges them: ``-b``, ``-f`` (``files`` maps each path to its text), ``-y``,
    ``-p``, ``-r``."""
    given: list[Given] = []
    for encoded in options.get("parameters_base64") or ():
        try:
            text = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise InputError(
                "the command line",
                f"-b {encoded}",
                "is not base64-encoded UTF-8 text",
                "encode the YAML parameters with base64",
            ) from None
        given += yaml_names(text, "", f"option -b {encoded}")
    for path in options.get("parameters_file") or ():
        given += yaml_names(files[path], path, f"-f {path}")
    for text in options.get("parameters_yaml") or ():
        given += yaml_names(text, "", f"option -y {text!r}")
    for flag, key in (("-p", "parameters"), ("-r", "parameters_raw")):
        for name, value in options.get(key) or ():
            given.append(Given(name, "", f"option {flag} {name} {value}"))
    return given


def check(notebook: str, given: list[Given], declared: Iterable[str]) -> None:
    """Raise an InputError naming the first of ``given`` that ``notebook`` does not declare (and
    any others), the names it does declare and the closest of them."""
    declared = list(declared)
    unknown = [g for g in given if g.name not in declared and g.name not in BUILTIN]
    if not unknown:
        return
    first = unknown[0]
    others = sorted({g.name for g in unknown[1:]} - {first.name})
    also = f" (nor {', '.join(others)})" if others else ""
    subject = notebook if first.file else "the notebook"
    if declared:
        problem = (
            f"{subject} has no parameter '{first.name}'{also}; "
            f"its parameters are {', '.join(declared)}"
        )
    else:
        problem = (
            f"{subject} declares no parameters (none of its cells is tagged `parameters`), "
            f"so it cannot take '{first.name}'{also}"
        )
    close = difflib.get_close_matches(first.name, declared, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    where = f"the key in {first.file}" if first.file else "the name on the command line"
    fix = (
        f"{hint}Correct {where} to a parameter the notebook declares (its cell tagged "
        "`parameters`), or declare the new parameter there"
    )
    raise InputError(first.file or notebook, first.place, problem, fix)
