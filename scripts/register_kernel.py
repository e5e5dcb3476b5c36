"""Register the project's Jupyter kernel inside the virtual environment (not in $HOME).

The kernel logs only errors: without that, every papermill and nbval run prints a warning from
the kernel about its local transport, which is noise for a kernel started on this machine.
"""

import json
import sys
from pathlib import Path

from ipykernel.kernelspec import install

NAME = "foi-platforms"
DISPLAY_NAME = "Python (foi-platforms)"
QUIET = "--IPKernelApp.log_level=ERROR"


def main() -> None:
    folder = Path(install(kernel_name=NAME, display_name=DISPLAY_NAME, prefix=sys.prefix))
    spec_path = folder / "kernel.json"
    spec = json.loads(spec_path.read_text())
    if QUIET not in spec["argv"]:
        spec["argv"].insert(spec["argv"].index("-f"), QUIET)
    spec_path.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
