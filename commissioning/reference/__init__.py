"""Readers of the real public reference data shipped in commissioning/data.

Pure Python (no Flask, no SQLAlchemy; import-linter holds it): the web app's import commands
and the optimiser's bench read the register and the geography through these functions.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
