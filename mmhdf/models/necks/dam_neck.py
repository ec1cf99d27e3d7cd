"""DAM as an mmaction2 neck on a 3D backbone's output map."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from ..dam import DAM

Feats = Union[torch.Tensor, Tuple[torch.Tensor, ...]]


@MODELS.register_module()
class DAMNeck(nn.Module):
    """Apply HDF's DAM to the backbone output of a ``Recognizer3D``.

    Works on any 3D backbone that returns a ``[N, C, T, H, W]`` map (X3D,
    ResNet3d, SlowOnly, ...) or a tuple of such maps (``out_indices`` with
    several entries; one DAM per map). DAM's parameters do not depend on
    ``C``, only on ``T``, so the neck only needs the ``T`` of the map it
    receives (e.g. 16 for X3D on 16-frame clips, 2 for R3D-18 with temporal
    strides ``(1, 2, 2, 2)``). The shape is preserved and no auxiliary loss
    is produced.

    Args:
        num_frames (int | Sequence[int]): ``T`` of the backbone output, or
            one ``T`` per map when the backbone returns a tuple.
        dam_cfg (dict, optional): Extra arguments of
            :class:`~mmhdf.models.dam.DAM` (``diff_axis``, ``freq_select``,
            ``num_bins``, ...). Defaults to None.
    """

    def __init__(self,
                 num_frames: Union[int, Sequence[int]],
                 dam_cfg: Optional[dict] = None) -> None:
        super().__init__()
        self.multi = not isinstance(num_frames, int)
        frames = list(num_frames) if self.multi else [num_frames]
        if len(frames) == 0:
            raise ValueError('num_frames is empty')
        dam_cfg = dict(dam_cfg or {})
        if 'num_frames' in dam_cfg:
            raise ValueError('set num_frames on DAMNeck, not in dam_cfg')
        self.num_frames = tuple(frames) if self.multi else num_frames
        self.dams = nn.ModuleList(DAM(t, **dam_cfg) for t in frames)

    def init_weights(self) -> None:
        """DAM parameters are initialised at construction; nothing to do."""

    def forward(
            self,
            x: Feats,
            data_samples: Optional[SampleList] = None) -> Tuple[Feats, dict]:
        """Apply DAM.

        Args:
            x (torch.Tensor | tuple[torch.Tensor]): ``[N, C, T, H, W]``, or a
                tuple of such maps when ``num_frames`` is a sequence.
            data_samples (list[ActionDataSample], optional): Unused; accepted
                for the neck contract. Defaults to None.

        Returns:
            tuple: The features, same type and shapes as ``x``, and an empty
            auxiliary-loss dict.
        """
        if isinstance(x, torch.Tensor):
            if self.multi:
                raise ValueError(
                    f'DAMNeck was built for {len(self.dams)} feature maps '
                    f'(num_frames={self.num_frames}) but got a single tensor')
            return self.dams[0](x), {}
        if not self.multi or len(x) != len(self.dams):
            raise ValueError(
                f'DAMNeck was built for num_frames={self.num_frames} but got '
                f'{len(x)} feature maps')
        return tuple(dam(f) for dam, f in zip(self.dams, x)), {}
