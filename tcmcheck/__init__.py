"""tcmcheck: check reported values against the dated targets of city TCM development plans."""

__version__ = "0.1.0"
