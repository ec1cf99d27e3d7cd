#!/usr/bin/env python
"""Export an mmhdf / mmaction2 recognizer (with or without DAM) to ONNX.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT \
        --output hdf.onnx [--shape 1 3 16 112 112] [--verify]

The ONNX graph takes one input ``clips``: float32 ``(N, 3, T, H, W)`` RGB
frames in the 0..255 range (already resized / cropped like the test
pipeline), and returns ``probs``: ``(N, num_classes)`` softmax
probabilities. Normalisation (the data preprocessor's mean / std and channel
order) is part of the graph. ``N`` is dynamic with the default ``dynamo``
exporter (fixed with ``--exporter torchscript``); ``T``, ``H``, ``W`` are
fixed at export (DAM's parameters depend on ``T``).

Two ops are swapped for exact, exportable equivalents in an exported copy
(the model itself is untouched): DAM's ``unfold`` + matmul convolutions
(``conv_impl='conv'``) and adaptive 1-D pooling over channel bins (a
constant matmul / a gather + max over PyTorch's pooling windows), which
neither exporter takes when the channels are not a multiple of the bins
(X3D-S: 24 channels, 16 bins).

``--verify`` runs the ONNX model with onnxruntime on random clips and
compares it with the PyTorch model's ``test_step`` probabilities (the same
path as ``tools/test.py``); the maximum absolute difference is printed and
must be below ``--atol``.

Exit codes: 0 exported (and verified); 1 verification failed; 2 bad input
or missing export dependency (``onnx``, ``onnxscript`` for the dynamo
exporter, ``onnxruntime`` for ``--verify``).
"""
import argparse
import contextlib
import copy
import sys
import warnings
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

EXIT_OK, EXIT_MISMATCH, EXIT_INPUT = 0, 1, 2


class ExportableRecognizer(nn.Module):
    """Preprocess + backbone + neck + head + softmax in one ``forward``.

    Args:
        model (nn.Module): A ``Recognizer3D`` (eval mode).
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        pre = model.data_preprocessor
        self.to_rgb = bool(getattr(pre, 'to_rgb', False))
        if getattr(pre, '_enable_normalize', False):
            mean = pre.mean.detach().clone().view(1, -1, 1, 1, 1)
            std = pre.std.detach().clone().view(1, -1, 1, 1, 1)
        else:
            mean = torch.zeros(1, 3, 1, 1, 1)
            std = torch.ones(1, 3, 1, 1, 1)
        self.register_buffer('mean', mean.float())
        self.register_buffer('std', std.float())

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        """Class probabilities.

        Args:
            clips (torch.Tensor): ``(N, 3, T, H, W)`` float, 0..255.

        Returns:
            torch.Tensor: ``(N, num_classes)`` probabilities.
        """
        if self.to_rgb:
            clips = clips.flip(1)
        x = ((clips - self.mean) / self.std).unsqueeze(1)
        feats, kwargs = self.model.extract_feat(x, test_mode=True)
        scores = self.model.cls_head(feats, **kwargs)
        return scores.softmax(-1)


def default_shape(cfg) -> Tuple[int, int, int, int, int]:
    """``(1, 3, T, H, W)`` from the config's test pipeline.

    Args:
        cfg (mmengine.Config): The recognizer config.

    Returns:
        tuple: The input shape.

    Raises:
        ValueError: If the pipeline gives no fixed input size.
    """
    from mmhdf.apis import get_test_pipeline_cfg, parse_clip_spec
    spec = parse_clip_spec(get_test_pipeline_cfg(cfg))
    if spec.input_size is None:
        raise ValueError('cannot read a fixed H x W from the test pipeline; '
                         'pass --shape N 3 T H W')
    return (1, 3, spec.clip_len) + tuple(spec.input_size)


def _adaptive_bins(length: int, bins: int) -> List[Tuple[int, int]]:
    """PyTorch's adaptive pooling windows: ``[floor(kL/B), ceil((k+1)L/B))``."""
    return [((k * length) // bins, -(-((k + 1) * length) // bins))
            for k in range(bins)]


def _export_adaptive_avg_pool1d(x: torch.Tensor, output_size) -> torch.Tensor:
    """``adaptive_avg_pool1d`` as a matmul with a constant averaging matrix."""
    bins = output_size if isinstance(output_size, int) else output_size[0]
    length = int(x.shape[-1])
    weight = torch.zeros(length, bins, dtype=x.dtype)
    for k, (lo, hi) in enumerate(_adaptive_bins(length, bins)):
        weight[lo:hi, k] = 1.0 / (hi - lo)
    return x @ weight


def _export_adaptive_max_pool1d(x: torch.Tensor, output_size,
                                return_indices: bool = False
                                ) -> torch.Tensor:
    """``adaptive_max_pool1d`` as a gather of padded windows + ``amax``.

    Windows are padded by repeating their last index, which leaves the max
    unchanged.
    """
    if return_indices:
        return _ORIGINAL_POOLS['adaptive_max_pool1d'](x, output_size, True)
    bins = output_size if isinstance(output_size, int) else output_size[0]
    windows = _adaptive_bins(int(x.shape[-1]), bins)
    width = max(hi - lo for lo, hi in windows)
    index = torch.tensor([[min(lo + j, hi - 1) for j in range(width)]
                          for lo, hi in windows])
    return x[..., index].amax(-1)


_ORIGINAL_POOLS = dict(
    adaptive_avg_pool1d=F.adaptive_avg_pool1d,
    adaptive_max_pool1d=F.adaptive_max_pool1d)


@contextlib.contextmanager
def export_friendly_ops():
    """Swap ops the ONNX exporters cannot convert for exact equivalents.

    ``adaptive_{avg,max}_pool1d`` export only when the input length is a
    multiple of the output size (TorchScript exporter) or not at all
    (dynamo exporter). DAM pools ``C`` channels into ``K`` bins, e.g.
    ``C = 24``, ``K = 16`` in X3D-S, so both are replaced while exporting by
    a constant matmul and a gather + max over PyTorch's own pooling windows.
    """
    F.adaptive_avg_pool1d = _export_adaptive_avg_pool1d
    F.adaptive_max_pool1d = _export_adaptive_max_pool1d
    try:
        yield
    finally:
        F.adaptive_avg_pool1d = _ORIGINAL_POOLS['adaptive_avg_pool1d']
        F.adaptive_max_pool1d = _ORIGINAL_POOLS['adaptive_max_pool1d']


def prepare_for_export(model: nn.Module) -> nn.Module:
    """A copy of ``model`` with traceable equivalents of CPU fast paths.

    DAM's frequency branch computes its two single-channel convolutions as
    ``unfold`` + matmul on CPU (``conv_impl='auto'``); the tracer cannot
    export that form, so the copy uses ``conv_impl='conv'`` (the same
    function, see :mod:`mmhdf.models.dam.ops`). The original model is left
    unchanged, so ``--verify`` compares against the path used in training
    and testing.

    Args:
        model (nn.Module): Recognizer in eval mode.

    Returns:
        nn.Module: The prepared deep copy.
    """
    model = copy.deepcopy(model).eval()
    for module in model.modules():
        if getattr(module, 'conv_impl', None) in ('auto', 'matmul'):
            module.conv_impl = 'conv'
    return model


def export_onnx(model: nn.Module, shape: Sequence[int], output: str,
                opset: int = 18, exporter: str = 'dynamo') -> bool:
    """Export ``ExportableRecognizer(model)`` and check the ONNX file.

    Args:
        model (nn.Module): Recognizer in eval mode.
        shape (Sequence[int]): Example input shape ``(N, 3, T, H, W)``.
        output (str): ``.onnx`` path.
        opset (int): ONNX opset version.
        exporter (str): ``'dynamo'`` (``torch.export``; dynamic batch axis)
            or ``'torchscript'`` (the legacy tracer; the batch is fixed to
            ``N``, because it cannot export DAM's adaptive pooling over a
            symbolic batch).

    Returns:
        bool: Whether the batch axis of the ONNX input is dynamic.
    """
    import onnx
    wrapper = ExportableRecognizer(prepare_for_export(model)).eval()
    shape = tuple(shape)
    if exporter == 'dynamo':
        # torch.export specialises a dimension whose example size is 0 or 1
        shape = (max(2, shape[0]), ) + shape[1:]
    dummy = torch.rand(*shape) * 255
    with torch.no_grad(), warnings.catch_warnings(), export_friendly_ops():
        warnings.simplefilter('ignore')
        if exporter == 'dynamo':
            batch = torch.export.Dim('batch', min=1, max=1024)
            program = torch.onnx.export(
                wrapper, (dummy, ),
                input_names=['clips'],
                output_names=['probs'],
                opset_version=opset,
                dynamic_shapes={'clips': {0: batch}},
                dynamo=True,
                verbose=False)
            program.save(output)
        elif exporter == 'torchscript':
            torch.onnx.export(
                wrapper, (dummy, ),
                output,
                input_names=['clips'],
                output_names=['probs'],
                opset_version=opset,
                dynamo=False)
        else:
            raise ValueError(f'unknown exporter {exporter!r}')
    graph = onnx.load(output)
    onnx.checker.check_model(graph)
    dim0 = graph.graph.input[0].type.tensor_type.shape.dim[0]
    return bool(dim0.dim_param) or not dim0.HasField('dim_value')


@torch.no_grad()
def torch_probs(model: nn.Module, clips: np.ndarray) -> np.ndarray:
    """Reference probabilities through the model's own ``test_step``.

    Args:
        model (nn.Module): Recognizer in eval mode.
        clips (np.ndarray): ``(N, 3, T, H, W)`` float32, 0..255.

    Returns:
        np.ndarray: ``(N, num_classes)`` probabilities.
    """
    from mmaction.structures import ActionDataSample
    inputs = [torch.from_numpy(c)[None] for c in clips]  # (1, 3, T, H, W)
    samples = model.test_step(
        dict(inputs=inputs,
             data_samples=[ActionDataSample() for _ in inputs]))
    scores = torch.stack([s.pred_score.float() for s in samples])
    if not (scores.min() >= 0 and torch.allclose(
            scores.sum(-1), torch.ones(len(scores)), atol=1e-3)):
        scores = scores.softmax(-1)
    return scores.numpy()


def verify_onnx(model: nn.Module, output: str, shape: Sequence[int],
                batch: int = 2, seed: int = 0) -> float:
    """Max abs difference between onnxruntime and PyTorch probabilities.

    Args:
        model (nn.Module): The exported recognizer.
        output (str): The ``.onnx`` file.
        shape (Sequence[int]): Export shape; the batch axis is replaced by
            ``batch`` (exercises the dynamic axis).
        batch (int): Clips to compare.
        seed (int): Random seed of the clips.

    Returns:
        float: ``max |p_onnx - p_torch|``.
    """
    import onnxruntime as ort
    rng = np.random.default_rng(seed)
    clips = (rng.random((batch, ) + tuple(shape[1:])) * 255).astype(
        np.float32)
    session = ort.InferenceSession(output, providers=['CPUExecutionProvider'])
    onnx_p = session.run(['probs'], {'clips': clips})[0]
    ref = torch_probs(model, clips)
    if onnx_p.shape != ref.shape:
        return float('inf')
    return float(np.abs(onnx_p - ref).max())


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Export a recognizer to ONNX',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', nargs='?', default=None,
                        help='checkpoint (weights-only); omit for random '
                        'init (export testing only)')
    parser.add_argument('--output', default='model.onnx', help='ONNX file')
    parser.add_argument('--shape', type=int, nargs=5, default=None,
                        metavar=('N', 'C', 'T', 'H', 'W'),
                        help='input shape (default: from the test pipeline)')
    parser.add_argument('--opset', type=int, default=18)
    parser.add_argument(
        '--exporter', choices=('dynamo', 'torchscript'), default='dynamo',
        help='torch.onnx exporter: "dynamo" (dynamic batch; needs '
        'onnxscript) or "torchscript" (legacy tracer, batch fixed to N)')
    parser.add_argument('--verify', action='store_true',
                        help='compare with PyTorch using onnxruntime')
    parser.add_argument('--atol', type=float, default=1e-4,
                        help='max allowed abs difference of probabilities')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point; returns the exit code (see module docstring)."""
    args = parse_args(argv)

    def fail(code: int, msg: str) -> int:
        print(f'error: {msg}', file=sys.stderr)
        return code

    needed = ('onnx', ) + (('onnxscript', ) if args.exporter == 'dynamo' else
                           ()) + (('onnxruntime', ) if args.verify else ())
    for mod in needed:
        try:
            __import__(mod)
        except ImportError:
            return fail(EXIT_INPUT, f'{mod} is not installed (pip install '
                        f'{mod})')
    from mmhdf.apis import load_recognizer
    from mmhdf.compat import UnsafeCheckpointError
    try:
        model = load_recognizer(args.config, args.checkpoint, 'cpu')
        shape = tuple(args.shape) if args.shape else default_shape(model.cfg)
    except (UnsafeCheckpointError, FileNotFoundError, ValueError,
            KeyError) as err:
        return fail(EXIT_INPUT, str(err))
    dynamic = export_onnx(model, shape, args.output, args.opset,
                          args.exporter)
    print(f'exported {args.output} (input clips {list(shape)}, batch '
          f'{"dynamic" if dynamic else "fixed"})')
    if args.verify:
        batch = 3 if dynamic else shape[0]  # not the example batch size
        diff = verify_onnx(model, args.output, shape, batch=batch)
        print(f'max |onnxruntime - pytorch| = {diff:.3e} (atol {args.atol})')
        if not diff <= args.atol:
            return fail(EXIT_MISMATCH, 'ONNX output differs from PyTorch')
    return EXIT_OK


if __name__ == '__main__':
    sys.exit(main())
