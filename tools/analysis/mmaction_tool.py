#!/usr/bin/env python
"""Run one of mmaction2's stock analysis tools with mmhdf imported first.

mmaction2's scripts in ``tools/analysis_tools/`` (shipped in the wheel as
``mmaction/.mim/tools/analysis_tools/``) import ``mmaction.models`` or
``mmaction.evaluation`` before they read the config. In the mmaction2 1.2.0
wheel that import fails (``No module named
'mmaction.models.localizers.drn'``) unless mmhdf, which provides the
missing module, was imported first; the config's ``custom_imports`` come
too late. This wrapper imports mmhdf and runs the stock script unchanged,
with the remaining arguments::

    python tools/analysis/mmaction_tool.py confusion_matrix CONFIG CKPT \
        --show-path cm.png --include-values
    python tools/analysis/mmaction_tool.py get_flops CONFIG \
        --shape 1 3 16 112 112
    python tools/analysis/mmaction_tool.py --list

See ``docs/tools.md`` for the commands and their shapes.
"""
import glob
import os.path as osp
import runpy
import sys
from typing import List, Optional


def stock_tools_dir() -> str:
    """``mmaction/.mim/tools/analysis_tools`` of the installed mmaction2."""
    import mmaction
    path = osp.join(
        osp.dirname(mmaction.__file__), '.mim', 'tools', 'analysis_tools')
    if not osp.isdir(path):
        raise FileNotFoundError(
            f'{path} does not exist: this mmaction2 installation ships no '
            'tools (use a source checkout of mmaction2)')
    return path


def available_tools() -> List[str]:
    """Names of the stock analysis tools (without ``.py``)."""
    return sorted(
        osp.splitext(osp.basename(p))[0]
        for p in glob.glob(osp.join(stock_tools_dir(), '*.py')))


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ('-h', '--help'):
        print(__doc__)
        return 0 if argv else 2
    import mmhdf  # noqa: F401  (provides mmaction.models.localizers.drn)
    if argv[0] == '--list':
        print('\n'.join(available_tools()))
        return 0
    name = argv[0][:-3] if argv[0].endswith('.py') else argv[0]
    script = osp.join(stock_tools_dir(), f'{name}.py')
    if not osp.isfile(script):
        print(f'error: no stock tool {name!r} in {stock_tools_dir()}; '
              f'available: {", ".join(available_tools())}', file=sys.stderr)
        return 2
    saved = sys.argv
    sys.argv = [script] + argv[1:]
    try:
        runpy.run_path(script, run_name='__main__')
    except SystemExit as exit_:  # argparse errors, explicit exits
        return exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = saved
    return 0


if __name__ == '__main__':
    sys.exit(main())
