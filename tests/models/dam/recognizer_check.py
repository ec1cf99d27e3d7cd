"""Shared check: build a model config and run it through Recognizer3D."""
import os.path as osp

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope

ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def load_model_cfg(name: str, **overrides) -> Config:
    """``configs/_base_/models/<name>.py`` with ``model`` overrides merged."""
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', '_base_', 'models', f'{name}.py'))
    cfg.merge_from_dict(dict(model=overrides))
    return cfg


def run_recognizer(cfg: Config,
                   num_frames: int,
                   size: int,
                   num_classes: int = 7):
    """Loss (with backward) and predict through ``Recognizer3D``.

    Returns:
        tuple: The built model, the loss dict and the predicted samples.
    """
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'Recognizer3D'
    data = dict(
        inputs=[
            torch.randint(0, 256, (1, 3, num_frames, size, size))
            for _ in range(2)
        ],
        data_samples=[ActionDataSample().set_gt_label(i) for i in range(2)])
    model.train()
    losses = model(**model.data_preprocessor(data, True), mode='loss')
    assert torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    model.eval()
    with torch.no_grad():
        preds = model.test_step(data)
    assert len(preds) == 2
    for pred in preds:
        assert pred.pred_score.shape == (num_classes, )
        assert torch.allclose(pred.pred_score.sum(), torch.tensor(1.0))
    return model, losses, preds
