"""A tool, not part of the product: `make bench` measures rebuild time and scale (README.md)."""
