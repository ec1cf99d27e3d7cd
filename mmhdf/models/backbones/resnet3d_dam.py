"""ResNet3d with HDF's DAM after selected stages."""
from typing import List, Optional, Sequence

from mmaction.models.backbones import ResNet3d
from mmaction.registry import MODELS
from torch.nn.modules.utils import _triple

from .dam_insertion import insert_dams


def _strided_length(length: int, kernel: int, stride: int,
                    padding: int) -> int:
    """Output length of a convolution / pooling along one axis."""
    return (length + 2 * padding - kernel) // stride + 1


@MODELS.register_module()
class ResNet3dDAM(ResNet3d):
    """mmaction2's ResNet3d with a DAM after selected residual stages.

    DAM's parameters depend on ``T``, and ResNet3d may reduce ``T`` in the
    stem (``conv1_stride_t``, ``pool1_stride_t`` with ``with_pool1``), after
    stage 1 (``with_pool2``) and in the stages (``temporal_strides``). The
    ``T`` of every stage output is computed from ``num_frames`` at build
    time (:attr:`stage_frames`) and each DAM is built with its stage's
    ``T``; a stage whose ``T`` would drop below 1 raises a ``ValueError``.

    The DAM after stage ``i`` is applied to the output of ``layer{i + 1}``;
    for stage 1 that is before ``pool2``. Features in ``out_indices`` are
    taken after the DAM. DAMs are stored in ``self.dams`` (``dam1`` ..
    ``dam4``), so plain ResNet3d checkpoints load with ``strict=False``;
    DAM parameters are initialised at construction and left untouched by
    :meth:`init_weights`.

    The DAMs are inserted by :func:`~.dam_insertion.insert_dams` (forward
    hooks on ``layer{i + 1}``), so ResNet3d's own ``forward`` runs
    unchanged.

    Args:
        num_frames (int): Clip length ``T`` of the input ``[N, 3, T, H, W]``.
            Defaults to 16.
        dam_stages (Sequence[int]): 0-based stages followed by a DAM.
            Defaults to ``(0, 1, 2, 3)``.
        dam_cfg (dict, optional): Extra arguments of
            :class:`~mmhdf.models.dam.DAM`. Defaults to None.
        **kwargs: Arguments of :class:`mmaction.models.backbones.ResNet3d`.
    """

    def __init__(self,
                 num_frames: int = 16,
                 dam_stages: Sequence[int] = (0, 1, 2, 3),
                 dam_cfg: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        insert_dams(
            self,
            num_frames,
            self.res_layers,
            self.compute_stage_frames(num_frames),
            dam_stages=dam_stages,
            dam_cfg=dam_cfg)

    def compute_stage_frames(self, num_frames: int) -> List[int]:
        """Temporal length of every stage output for a clip of ``num_frames``.

        Args:
            num_frames (int): Input clip length.

        Returns:
            list[int]: ``T`` after each of the ``num_stages`` stages (before
            ``pool2`` for stage 1).
        """
        if num_frames < 1:
            raise ValueError(f'{type(self).__name__}: num_frames must be >= '
                             f'1, got {num_frames}')
        kernel_t = _triple(self.conv1_kernel)[0]
        t = _strided_length(num_frames, kernel_t, self.conv1_stride_t,
                            (kernel_t - 1) // 2)
        if self.with_pool1:
            t = _strided_length(t, 1, self.pool1_stride_t, 0)
        self._check_positive(t, num_frames, 'the stem', [])
        frames = []
        for i, stride in enumerate(self.temporal_strides):
            # every temporal conv in a stage has kernel 1 / padding 0 or
            # kernel 3 / padding 1, so only the stride changes T
            t = _strided_length(t, 1, stride, 0)
            frames.append(t)
            if i == 0 and self.with_pool2:
                t = _strided_length(t, 2, 2, 0)
                self._check_positive(t, num_frames, 'pool2', frames)
        return frames

    def _check_positive(self, t: int, num_frames: int, where: str,
                        frames: List[int]) -> None:
        if t < 1:
            raise ValueError(
                f'{type(self).__name__}: num_frames={num_frames} is too short '
                f'for the temporal downsampling: T < 1 after {where} (stage '
                f'T so far: {frames})')
