"""The contracts of the ``data/`` folder, shared by every step: the manifest of ``data/raw/``
(its one reader and its checks), the reference tables of ``data/reference/``, and the schemas
of the tables in ``data/processed/``."""
