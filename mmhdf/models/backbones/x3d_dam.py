"""X3D with HDF's DAM after selected stages."""
from typing import Optional, Sequence

from mmaction.models.backbones import X3D
from mmaction.registry import MODELS

from .dam_insertion import insert_dams


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

    The DAMs are inserted by :func:`~.dam_insertion.insert_dams` (forward
    hooks on ``layer{i + 1}``), so X3D's own ``forward`` runs unchanged.
    The output is ``[N, feat_dim, T, H / 32, W / 32]``.

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
        insert_dams(
            self,
            num_frames,
            self.res_layers, [num_frames] * self.num_stages,
            dam_stages=dam_stages,
            dam_cfg=dam_cfg)
