"""``load_from`` in training refuses a checkpoint carrying a pickle payload.

tools/train.py with ``--cfg-options load_from=evil.pth``, as a user runs it:
the run stops before training with mmhdf's clear refusal and the payload
never executes.
"""
import os
import os.path as osp

from tests.compat.test_checkpoint import write_malicious
from tests.helpers.videos import make_video_dataset
from tests.tools.test_train_test_e2e import R3D_CFG, data_opts, run


def test_train_load_from_refuses_pickle_payload(tmp_path):
    root = str(tmp_path / 'videos')
    ann, _ = make_video_dataset(root, per_class=1, num_frames=8, size=40)
    evil, marker = tmp_path / 'evil.pth', tmp_path / 'pwned'
    write_malicious(str(evil), str(marker))
    work = str(tmp_path / 'work')
    res = run(['tools/train.py', R3D_CFG, '--work-dir', work,
               '--cfg-options', *data_opts(ann, root, clip_len=4, crop=32),
               'model.backbone.base_channels=8',
               'model.cls_head.in_channels=64', f'load_from={evil}'])
    assert res.returncode != 0
    err = res.stderr
    assert 'UnsafeCheckpointError: Refusing to load checkpoint ' \
        f'{evil}: it is not loadable with torch.load(weights_only=True)' \
        in err, err[-3000:]
    assert not marker.exists()  # the payload never ran
    assert 'Epoch(train)' not in res.stdout + err  # stopped before training
    assert not any(n.endswith('.pth') for n in os.listdir(work)
                   if osp.isfile(osp.join(work, n)))
