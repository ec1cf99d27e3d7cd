"""Version of mmhdf."""
__version__ = '0.1.0'
