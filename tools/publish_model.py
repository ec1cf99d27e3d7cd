#!/usr/bin/env python
"""Publish a trained checkpoint for the model zoo.

    python tools/publish_model.py work_dirs/x/best_acc_mean1_epoch_12.pth \
        modelzoo/hdf_r3d18_dfew.pth

* keeps only ``state_dict`` and ``meta`` (drops optimizer, message hub,
  parameter schedulers, EMA copies, ...);
* stores tensors and plain Python types only, so the file opens with
  ``torch.load(weights_only=True)`` (checked after writing);
* names the output ``<OUT stem>-<first 8 hex of its sha256>.pth`` (the
  OpenMMLab / mim convention) and prints the full sha256.

The input is read weights-only as well (:func:`mmhdf.compat.safe_torch_load`):
a checkpoint holding a pickle payload is refused and its code never runs.

Exit codes: 0 published; 1 input refused (not weights-only, missing, or not
a checkpoint); 2 bad command line.
"""
import argparse
import hashlib
import os
import os.path as osp
import sys
from collections import OrderedDict
from typing import Any, Dict, Optional, Tuple

import torch

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2
KEPT_KEYS = ('meta', 'state_dict')


class PublishError(RuntimeError):
    """The input cannot be published; the message names the file."""


def sha256sum(path: str, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file.

    Args:
        path (str): The file.
        chunk (int): Read size in bytes.

    Returns:
        str: 64 hex digits.
    """
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            digest.update(block)
    return digest.hexdigest()


def strip_checkpoint(ckpt: Any, src: str = 'checkpoint'
                     ) -> Tuple[Dict[str, Any], Tuple[str, ...]]:
    """Keep ``meta`` and ``state_dict``; tensors moved to CPU, contiguous.

    Args:
        ckpt: A loaded checkpoint: a dict with ``state_dict``, or a bare
            state dict (name -> tensor).
        src (str): Name used in error messages.

    Returns:
        tuple: (published dict ``{'meta', 'state_dict'}``, dropped keys).

    Raises:
        PublishError: If there is no state dict of tensors.
    """
    if not isinstance(ckpt, dict):
        raise PublishError(f'{src} is not a checkpoint dict (got '
                           f'{type(ckpt).__name__})')
    if 'state_dict' in ckpt:
        state, meta = ckpt['state_dict'], dict(ckpt.get('meta') or {})
        dropped = tuple(sorted(k for k in ckpt if k not in KEPT_KEYS))
    elif ckpt and all(isinstance(v, torch.Tensor) for v in ckpt.values()):
        state, meta, dropped = ckpt, {}, ()
    else:
        raise PublishError(f'{src} has no "state_dict" (keys: '
                           f'{sorted(map(str, ckpt))[:10]})')
    bad = [k for k, v in state.items() if not isinstance(v, torch.Tensor)]
    if bad or not state:
        raise PublishError(f'{src}: state_dict is empty or holds non-tensor '
                           f'entries {bad[:5]}')
    state = OrderedDict(
        (k, v.detach().cpu().contiguous()) for k, v in state.items())
    return dict(meta=meta, state_dict=state), dropped


def publish(src: str, out: str,
            extra_meta: Optional[Dict[str, Any]] = None) -> Tuple[str, str]:
    """Strip, save, hash-rename and verify a checkpoint.

    Args:
        src (str): Input checkpoint (weights-only loadable).
        out (str): Output path; ``.pth`` is optional. The final file is
            ``<out stem>-<sha256[:8]>.pth`` in the same folder.
        extra_meta (dict, optional): Merged into ``meta`` (plain types).

    Returns:
        tuple[str, str]: (final path, full sha256 hex).

    Raises:
        mmhdf.compat.UnsafeCheckpointError: If ``src`` needs unpickling.
        PublishError: If ``src`` is not a usable checkpoint or the written
            file does not reload weights-only.
    """
    import mmhdf  # noqa: F401
    from mmhdf.compat import encode_plain_state, safe_torch_load

    ckpt = safe_torch_load(src, map_location='cpu')
    published, dropped = strip_checkpoint(ckpt, src)
    published['meta'].update(extra_meta or {})
    published['meta']['published_from'] = osp.basename(src)
    published = encode_plain_state(published)

    stem = out[:-4] if out.endswith('.pth') else out
    os.makedirs(osp.dirname(osp.abspath(stem)), exist_ok=True)
    tmp = stem + '.publish-tmp.pth'
    torch.save(published, tmp)
    sha = sha256sum(tmp)
    final = f'{stem}-{sha[:8]}.pth'
    os.replace(tmp, final)
    try:
        reloaded = torch.load(final, map_location='cpu', weights_only=True)
    except Exception as err:  # never expected: only plain types were saved
        raise PublishError(f'{final} does not reload with weights_only=True: '
                           f'{err}') from err
    if list(reloaded['state_dict']) != list(published['state_dict']):
        raise PublishError(f'{final}: state_dict changed on reload')
    if dropped:
        print(f'dropped from {src}: {", ".join(dropped)}')
    return final, sha


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Strip a checkpoint for publishing and add the sha256 '
        'suffix')
    parser.add_argument('in_file', help='input checkpoint')
    parser.add_argument('out_file', help='output path (stem; "-<sha8>.pth" '
                        'is appended)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Entry point; returns the exit code (see module docstring)."""
    args = parse_args(argv)
    from mmhdf.compat import UnsafeCheckpointError
    try:
        final, sha = publish(args.in_file, args.out_file)
    except (UnsafeCheckpointError, PublishError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        return EXIT_BAD_INPUT
    size = osp.getsize(final) / 2**20
    print(f'published {final} ({size:.2f} MiB)')
    print(f'sha256: {sha}')
    return EXIT_OK


if __name__ == '__main__':
    sys.exit(main())
