"""DFER datasets (DFEW, FERV39k, MAFW) and transforms."""
from . import transforms  # noqa: F401
