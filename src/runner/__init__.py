"""How ``make`` runs a notebook: a kernel started before papermill is imported, handed to
papermill through an engine of its own, and the executed copy cleaned of what differs between
runs. Used by ``scripts/run_notebook.py``; no step imports it."""
