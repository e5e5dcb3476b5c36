"""Rewrite the generated blocks of README.md from the computed tables (run by make)."""

from src import readme
from src.helpers import ROOT, write_text


def main() -> None:
    path = ROOT / "README.md"
    blocks = {
        "findings": readme.findings_block(),
        "variants": readme.variants_block(),
        "sources": readme.sources_block(),
        "benchmark": readme.benchmark_block(),
    }
    write_text(path, readme.update(path.read_text(encoding="utf-8"), blocks))


if __name__ == "__main__":
    main()
