"""mmhdf's runtime sets a collective timeout of minutes, and it is effective:
a rank whose peer stalls fails after that many seconds (gloo, 2 processes)."""
import datetime
import os
import os.path as osp
import socket
import subprocess
import sys
import time

import mmengine.dist.utils as dist_utils
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RUNTIME = osp.join(ROOT, 'configs/_base_/default_runtime.py')

# Rank 1 stalls; rank 0 waits in a barrier. mmhdf's CPU fix (dist_cpu.py,
# loaded alone: importing mmhdf takes seconds) + mmengine's init_dist with
# the timeout in seconds, as env_cfg.dist_cfg passes it.
_RANK = '''
import importlib.util, os, sys, time
spec = importlib.util.spec_from_file_location('dist_cpu', sys.argv[1])
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
m.patch_cpu_distributed()
import torch.distributed as dist
from mmengine.dist import init_dist
init_dist('pytorch', backend='gloo', timeout=float(sys.argv[2]))
if dist.get_rank() == 1:
    time.sleep(120)
start = time.time()
try:
    dist.barrier()
except RuntimeError as err:
    print(f'failed after {time.time() - start:.1f}s: {err}', flush=True)
    os._exit(7)
'''


def test_default_runtime_timeout_is_minutes_and_reaches_the_group(
        monkeypatch):
    dist_cfg = Config.fromfile(RUNTIME).env_cfg.dist_cfg
    assert 60 <= dist_cfg.timeout <= 600  # seconds: minutes, not 30 min
    seen = {}
    monkeypatch.setattr(dist_utils, '_init_dist_pytorch',
                        lambda backend, **kw: seen.update(kw))
    monkeypatch.setattr(dist_utils.mp, 'set_start_method', lambda m: None)
    dist_utils.init_dist('pytorch', **dist_cfg)
    assert seen['timeout'] == datetime.timedelta(seconds=dist_cfg.timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_stalled_peer_ends_the_waiting_rank_after_the_timeout(tmp_path):
    script = tmp_path / 'rank.py'
    script.write_text(_RANK)
    env = dict(os.environ, WORLD_SIZE='2', MASTER_ADDR='127.0.0.1',
               MASTER_PORT=str(_free_port()), OMP_NUM_THREADS='1')
    procs = [subprocess.Popen(
        [sys.executable, str(script),
         osp.join(ROOT, 'mmhdf/compat/dist_cpu.py'), '3'],
        env=dict(env, RANK=str(r), LOCAL_RANK=str(r)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for r in (0, 1)]
    start = time.time()
    try:
        out, err = procs[0].communicate(timeout=120)
    finally:
        procs[1].kill()
        procs[1].wait()
    assert procs[0].returncode == 7, err[-3000:]
    assert 'Timed out waiting 3000ms' in out, out
    assert time.time() - start < 60
