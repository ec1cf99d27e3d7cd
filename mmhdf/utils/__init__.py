"""Small utilities shared by tools and the package."""
from .config_checks import ConfigError, check_config

__all__ = ['ConfigError', 'check_config']
