"""Tiny recognizer configs, checkpoints and test videos.

Used by the API, demo and tools tests (publish, face crop, ONNX export).
The configs inherit from the repository's ``configs/_base_`` (:data:`ROOT`
is the source checkout), so this module serves a checkout, not an
installed wheel. Synthetic *face* videos come from the separate
``syndfer`` package (``tests/helpers/face_video.py``).
"""
import os
import os.path as osp
from typing import Optional

import cv2
import numpy as np
import torch

from .checkpoints import Payload

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DFEW = ['Happy', 'Sad', 'Neutral', 'Angry', 'Surprise', 'Disgust', 'Fear']

_CONFIG = """_base_ = [{models!r}, {runtime!r}]
model = dict(
    backbone=dict(base_channels=8{backbone_extra}),
    cls_head=dict(in_channels=64{head_extra}))
test_pipeline = [
    dict(type='SafeDecordInit'),
    dict(type='UniformSample', clip_len={clip_len}, num_clips=1,
         test_mode=True),
    dict(type='SafeDecordDecode'),
    dict(type='Resize', scale=(-1, 36)),
    dict(type='CenterCrop', crop_size={size}),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
"""


def write_tiny_config(folder: str, dam: bool = False, clip_len: int = 8,
                      size: int = 32, name: Optional[str] = None,
                      dam_stages: tuple = (0, 1, 2, 3),
                      dam_cfg: Optional[dict] = None) -> str:
    """R3D-18 at ``base_channels=8`` (optionally ResNet3dDAM + HDFHead).

    Args:
        folder (str): Where to write the config.
        dam (bool): Use :class:`ResNet3dDAM` with a DAM after every stage and
            :class:`HDFHead`.
        clip_len (int): Frames per clip.
        size (int): CenterCrop size.
        name (str, optional): File name.
        dam_stages (tuple): Stages followed by a DAM (with ``dam``).
        dam_cfg (dict, optional): Extra DAM arguments (with ``dam``), e.g.
            ``dict(num_bins=3)``.

    Returns:
        str: The config path.
    """
    backbone_extra = (f", type='ResNet3dDAM', num_frames={clip_len}, "
                      f'dam_stages={tuple(dam_stages)!r}, '
                      f'dam_cfg={dam_cfg!r}' if dam else '')
    head_extra = ", type='HDFHead'" if dam else ''
    text = _CONFIG.format(
        models=osp.join(ROOT, 'configs/_base_/models/r3d18.py'),
        runtime=osp.join(ROOT, 'configs/_base_/default_runtime.py'),
        backbone_extra=backbone_extra, head_extra=head_extra,
        clip_len=clip_len, size=size)
    path = osp.join(folder, name or ('tiny_dam.py' if dam else 'tiny.py'))
    with open(path, 'w') as f:
        f.write(text)
    return path


def write_checkpoint(config: str, path: str, seed: int = 0,
                     head_std: float = 2.0, extra: Optional[dict] = None
                     ) -> torch.nn.Module:
    """Random-init model saved Runner-free as ``{'meta', 'state_dict'}``.

    The classifier weights are drawn with ``head_std`` so that the
    probabilities differ clearly between inputs (the stock 0.01 init gives
    near-uniform outputs that hide errors).

    Args:
        config (str): Config file.
        path (str): Output checkpoint.
        seed (int): Torch seed.
        head_std (float): Std of ``cls_head.fc_cls.weight``.
        extra (dict, optional): More top-level checkpoint entries (e.g. an
            ``optimizer`` to be stripped).

    Returns:
        torch.nn.Module: The model (eval mode) whose weights were saved.
    """
    from mmhdf.apis import load_recognizer
    torch.manual_seed(seed)
    model = load_recognizer(config, None)
    with torch.no_grad():
        model.cls_head.fc_cls.weight.normal_(0, head_std)
    ckpt = dict(
        meta=dict(dataset_meta=dict(classes=DFEW), epoch=3,
                  mmengine_version='0.10.7'),
        state_dict=model.state_dict())
    ckpt.update(extra or {})
    torch.save(ckpt, path)
    return model


def write_malicious_checkpoint(config: str, path: str, marker: str) -> None:
    """A checkpoint with valid weights plus a pickle payload.

    Loading it with full unpickling would create ``marker``; a weights-only
    load refuses it.

    Args:
        config (str): Config whose weights to store.
        path (str): Output checkpoint.
        marker (str): File the payload would create.
    """
    write_checkpoint(config, path, extra=dict(payload=Payload(marker)))
    assert not osp.exists(marker), 'saving must not run the payload'


def write_noise_video(path: str, num_frames: int = 20, size=(96, 80),
                      fps: float = 10.0, seed: int = 0) -> str:
    """Uniform noise frames (no face), mp4v.

    Args:
        path (str): Output ``.mp4``.
        num_frames (int): Frames.
        size (tuple[int, int]): ``(width, height)``.
        fps (float): Frame rate.
        seed (int): Noise seed.

    Returns:
        str: ``path``.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    rng = np.random.default_rng(seed)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps, size)
    for _ in range(num_frames):
        writer.write(rng.integers(0, 255, (size[1], size[0], 3), np.uint8))
    writer.release()
    return path

