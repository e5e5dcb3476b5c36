"""Register the project's Jupyter kernel inside the virtual environment (not in $HOME).

The kernel logs only critical errors: otherwise every papermill and nbval run prints a warning from
the kernel about its local transport, and a note when papermill interrupts it on shutdown: noise
for a kernel started on this machine. A failing cell still fails the run (papermill reports it).
"""

import json
import sys
from pathlib import Path

from ipykernel.kernelspec import install

NAME = "foi-platforms"
DISPLAY_NAME = "Python (foi-platforms)"
QUIET = "--IPKernelApp.log_level=CRITICAL"


def main() -> None:
    folder = Path(install(kernel_name=NAME, display_name=DISPLAY_NAME, prefix=sys.prefix))
    spec_path = folder / "kernel.json"
    spec = json.loads(spec_path.read_text())
    argv = [a for a in spec["argv"] if not a.startswith("--IPKernelApp.log_level=")]
    argv.insert(argv.index("-f"), QUIET)
    spec["argv"] = argv
    spec_path.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
