"""Import the project's scripts by path: ``tools/``, ``demo/`` and
``benchmarks/`` are folders of scripts, not packages."""
import importlib.util
import os.path as osp
from types import ModuleType
from typing import Optional

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_script(path: str, name: Optional[str] = None) -> ModuleType:
    """Execute a script file as a module, without running its ``main``.

    Args:
        path (str): The script, relative to the repository root (or
            absolute).
        name (str, optional): Module name. Defaults to ``script_<stem>``.

    Returns:
        ModuleType: The loaded module.
    """
    path = osp.join(ROOT, path)
    if name is None:
        name = 'script_' + osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
