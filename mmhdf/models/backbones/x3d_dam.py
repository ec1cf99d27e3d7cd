"""X3D with HDF's DAM after selected stages."""
from typing import Optional, Sequence

import torch
from mmaction.models.backbones import X3D
from mmaction.registry import MODELS

from .dam_stages import build_dams, check_dam_stages, check_num_frames


@MODELS.register_module()
class X3DDAM(X3D):
    """mmaction2's X3D with a DAM after selected residual stages.

    HDF places a DAM after each of X3D's 4 stages (the default). X3D never
    strides in time, so every stage output has ``T = num_frames`` and every
    DAM is built with that ``T``. The DAMs are stored in ``self.dams``
    (``dam1`` .. ``dam4``); the X3D weights keep their names, so plain X3D
    checkpoints load with ``strict=False``. DAM parameters are initialised
    at construction and left untouched by :meth:`init_weights` (which only
    re-initialises ``Conv3d`` / BN layers).

    Args:
        num_frames (int): Clip length ``T`` of the input ``[N, 3, T, H, W]``.
            Defaults to 16.
        dam_stages (Sequence[int]): 0-based stages followed by a DAM.
            Defaults to ``(0, 1, 2, 3)``.
        dam_cfg (dict, optional): Extra arguments of
            :class:`~mmhdf.models.dam.DAM` (``diff_axis``, ``freq_select``,
            ``num_bins``, ...). Defaults to None.
        **kwargs: Arguments of :class:`mmaction.models.backbones.X3D`
            (``gamma_w``, ``gamma_b``, ``gamma_d``, ...).
    """

    def __init__(self,
                 num_frames: int = 16,
                 dam_stages: Sequence[int] = (0, 1, 2, 3),
                 dam_cfg: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_frames = num_frames
        self.dam_stages = check_dam_stages(dam_stages, self.num_stages,
                                           type(self).__name__)
        self.stage_frames = [num_frames] * self.num_stages
        self.dams = build_dams(self.stage_frames, self.dam_stages, dam_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward through stem, stages (+ DAMs) and ``conv5``.

        Args:
            x (torch.Tensor): ``[N, C_in, T, H, W]``, ``T == num_frames``.

        Returns:
            torch.Tensor: ``[N, feat_dim, T, H / 32, W / 32]``.
        """
        check_num_frames(type(self).__name__, self.num_frames, x.size(2))
        x = self.conv1_s(x)
        x = self.conv1_t(x)
        for i, layer_name in enumerate(self.res_layers):
            x = getattr(self, layer_name)(x)
            if i in self.dam_stages:
                x = self.dams[f'dam{i + 1}'](x)
        return self.conv5(x)
