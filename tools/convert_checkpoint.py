#!/usr/bin/env python
"""Convert a legacy (fully pickled) mmengine checkpoint you trust.

Writes a copy that holds only tensors and plain Python types, which mmhdf
and ``torch.load(weights_only=True)`` open. Full unpickling of the input runs
its code, so this requires ``--trust`` and must only be used on files you
wrote yourself (e.g. with mmengine before mmhdf).

    python tools/convert_checkpoint.py old.pth new.pth --trust
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402

import mmhdf  # noqa: E402,F401
from mmhdf.compat import (encode_plain_state, safe_torch_load,  # noqa: E402
                          trust_checkpoint)


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='legacy checkpoint')
    parser.add_argument('dst', help='output path')
    parser.add_argument(
        '--trust', action='store_true',
        help='required: confirm you trust SRC (its pickle code will run)')
    args = parser.parse_args()
    if not args.trust:
        sys.exit('error: full unpickling runs code from the file; pass '
                 '--trust only if you wrote SRC yourself.')
    trust_checkpoint(args.src)
    ckpt = safe_torch_load(args.src, map_location='cpu')
    torch.save(encode_plain_state(ckpt), args.dst)
    safe_torch_load(args.dst, map_location='cpu')  # verify weights-only
    print(f'wrote {args.dst} (loadable with weights_only=True)')


if __name__ == '__main__':
    main()
