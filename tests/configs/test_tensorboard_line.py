"""The commented TensorBoard lines of the base runtime work when uncommented:
the visualizer writes scalars to a TensorBoard event file as well."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RUNTIME = osp.join(ROOT, 'configs', '_base_', 'default_runtime.py')


def _documented_lines() -> list:
    with open(RUNTIME) as f:
        lines = [line[2:].split('  # noqa')[0].rstrip() for line in f
                 if line.startswith(('# vis_backends', '# visualizer'))]
    return lines


def test_tensorboard_lines_are_documented():
    lines = _documented_lines()
    assert len(lines) == 2
    assert "dict(type='TensorboardVisBackend')" in lines[0]


def test_uncommented_lines_write_tensorboard_events(tmp_path):
    pytest.importorskip('tensorboard', reason='the .[tensorboard] extra')
    import mmhdf  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmaction.registry import VISUALIZERS
    child = tmp_path / 'tb.py'
    child.write_text(f'_base_ = [{RUNTIME!r}]\n' +
                     '\n'.join(_documented_lines()) + '\n')
    cfg = Config.fromfile(str(child), import_custom_modules=False)
    init_default_scope('mmaction')
    vis = VISUALIZERS.build(dict(cfg.visualizer, save_dir=str(tmp_path),
                                 name='tb_line_test'))
    vis.add_scalars({'loss': 1.5}, step=1)
    vis.close()
    assert glob.glob(str(tmp_path / '**' / 'events.out.tfevents.*'),
                     recursive=True)
    assert osp.isfile(tmp_path / 'vis_data' / 'scalars.json')
