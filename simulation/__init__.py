"""A tool, not part of the product: simulated FOI returns for the repository (see README.md)."""
