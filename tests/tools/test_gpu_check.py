"""tools/gpu_check.{sh,py}: the CPU path end to end (tiny sizes, bf16 AMP
against fp32), and its figures checked against the per-iteration record."""
import json
import math
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.helpers.scripts import ROOT, load_script


def _tool():
    return load_script('tools/gpu_check.py', 'gpu_check_tool')


def test_cpu_path_end_to_end(tmp_path):
    """``bash tools/gpu_check.sh --device cpu --tiny``: SynDFER-H generated,
    the paper recipe trained with AmpSAMOptimWrapper (bf16), figures
    consistent, device-vs-fp32 losses within the tolerance, exit 0."""
    work = tmp_path / 'gc'
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        ['bash', osp.join(ROOT, 'tools/gpu_check.sh'), '--device', 'cpu',
         '--tiny', '--work-dir', str(work)],
        capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads((work / 'gpu_check.json').read_text())
    tiny = _tool().TINY
    # the paper recipe, with --amp semantics
    assert report['recipe'] == ('configs/recognition/hdf/'
                                'hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py')
    assert report['optim_wrapper'] == 'AmpSAMOptimWrapper'
    assert report['amp_dtype'] == 'bfloat16' and report['device'] == 'cpu'
    assert (report['clip_len'], report['size']) == (4, 32)
    # data: the tiny split sizes (num_train + 3 x 7)
    assert report['data']['clips'] == tiny['num_train'] + 21
    assert (work / 'syndfer_h' / 'Clip' / 'clip_224x224').is_dir()
    # one loss / time per iteration, finite; rates from the record
    iters, warm, batch = tiny['iters'], tiny['warmup'], tiny['batch_size']
    assert len(report['losses']) == len(report['iter_times_s']) == iters
    assert all(math.isfinite(v) for v in report['losses'])
    timed = report['iter_times_s'][warm:]
    data = report['data_times_s'][warm:]
    assert report['measured_iters'] == iters - warm
    assert report['clips_per_s'] == pytest.approx(
        batch * len(timed) / sum(timed), rel=1e-2, abs=0.01)
    assert report['data_time_fraction'] == pytest.approx(
        sum(data) / sum(timed), abs=1e-3)
    assert 0 <= report['data_time_fraction'] < 1
    assert report['peak_gpu_mem_mb'] is None and report['peak_rss_mb'] > 0
    assert report['skipped_steps'] == 0 and report['dsm_g_finite']
    assert report['final_loss_scale'] == 65536.0
    # loss check: bf16 device run against the fp32 CPU run
    check = report['loss_check']
    assert len(check['device_losses']) == tiny['compare_iters']
    assert len(check['cpu_fp32_losses']) == tiny['compare_iters']
    diffs = [abs(a - b) / b for a, b in zip(check['device_losses'],
                                            check['cpu_fp32_losses'])]
    assert check['max_rel_diff'] == pytest.approx(max(diffs), abs=1e-6)
    assert 0 < check['max_rel_diff'] <= check['rtol'] == 0.02  # bf16 != fp32
    assert check['ok'] and report['ok']
    assert report['total_seconds'] <= report['budget_s']
    # the printed summary names the figures
    for part in ('clips/s', 'data_time', 'peak GPU memory: n/a (CPU)',
                 'loss check', '-> ok', 'PASS'):
        assert part in proc.stdout


def test_throughput_and_compare_by_hand():
    tool = _tool()
    rows = [dict(time=t, data_time=d) for t, d in
            [(5.0, 4.0), (0.5, 0.05), (0.5, 0.05), (1.0, 0.1)]]
    speed = tool.throughput(rows, warmup=1, batch=8)
    assert speed['measured_iters'] == 3
    assert speed['clips_per_s'] == 12.0  # 24 clips in 2 s
    assert speed['iter_time_s'] == pytest.approx(2 / 3, abs=1e-4)
    assert speed['data_time_fraction'] == pytest.approx(0.1)
    ok = tool.compare([2.0, 1.01], [2.0, 1.0], rtol=0.02)
    assert ok['ok'] and ok['max_rel_diff'] == pytest.approx(0.01)
    bad = tool.compare([2.0, 1.05], [2.0, 1.0], rtol=0.02)
    assert not bad['ok']
    assert not tool.compare([float('nan')], [1.0], rtol=0.02)['ok']
    assert not tool.compare([1.0], [1.0, 1.0], rtol=0.02)['ok']


def test_recipe_is_resized_everywhere():
    tool = _tool()
    pipeline = [dict(type='DFERUniformSample', clip_len=16),
                dict(type='Resize', scale=(112, 112)),
                dict(type='CenterCrop', crop_size=112),
                dict(type='RandomResizedCrop', area_range=(0.08, 1.0))]
    out = tool._resize(pipeline, 4, 32)
    assert out[0]['clip_len'] == 4 and out[1]['scale'] == (32, 32)
    assert out[2]['crop_size'] == 32
    assert out[3]['area_range'] == (0.08, 1.0)
    assert pipeline[1]['scale'] == (112, 112)  # input untouched
    args = tool.parse_args(['--device', 'cpu', '--tiny', '--iters', '5'])
    assert (args.iters, args.size, args.batch_size) == (5, 32, 2)
    cfg = tool.build_cfg(args, '/data', '/tmp/w', amp=True, batch_size=2,
                         iters=5, workers=0, deterministic_batches=True)
    assert cfg.model.backbone.num_frames == 4
    assert cfg.model.backbone.type == 'X3DDAM'
    assert cfg.model.cls_head.dropout_ratio == 0.0
    assert cfg.optim_wrapper.type == 'AmpSAMOptimWrapper'
    assert cfg.train_cfg == dict(type='IterBasedTrainLoop', max_iters=5)
    assert cfg.train_dataloader.dataset.data_root == '/data'
    assert any(h.type == 'DSMScalingHook' for h in cfg.custom_hooks)
    with pytest.raises(SystemExit):
        tool.parse_args(['--iters', '3', '--warmup', '3'])
