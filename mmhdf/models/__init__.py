"""HDF models: DAM (necks, per-stage backbones), HDFHead, DSM loss."""
from . import backbones, heads, losses, necks  # noqa: F401
