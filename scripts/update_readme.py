"""Rewrite the generated blocks of README.md from the computed tables (run by make)."""

from src.report import update_readme

if __name__ == "__main__":
    update_readme()
