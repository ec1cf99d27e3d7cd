"""One training per work dir: a second one fails at start naming the holder;
a lock left by a dead process is taken over with a warning."""
import json
import os
import os.path as osp
import signal
import socket
import subprocess
import sys
import time

import pytest

from mmhdf.engine.safety import WorkDirLockHook
from mmhdf.utils.workdir_lock import LOCK_NAME, WorkDirLock, \
    WorkDirLockedError
from tests.helpers.fake_runner import FakeRunner as _Runner
from mmhdf.testing.videos import make_video_dataset
from tests.helpers.e2e import R3D_CFG, ROOT, data_opts, run


def _train(args: list) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1')
    return subprocess.Popen([sys.executable, 'tools/train.py'] + args,
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_second_training_on_same_work_dir_fails_naming_the_holder(tmp_path):
    root = str(tmp_path / 'vids')
    ann, _ = make_video_dataset(root, per_class=1, num_frames=8, size=40)
    opts = data_opts(ann, root, clip_len=4, crop=32) + [
        'model.backbone.base_channels=8', 'model.cls_head.in_channels=64',
        'train_cfg.max_epochs=1']
    work, ready, go = (str(tmp_path / n) for n in ('work', 'ready', 'go'))
    pause_cfg = tmp_path / 'pause_cfg.py'
    pause_cfg.write_text(
        f'_base_ = [{R3D_CFG!r}]\n'
        "custom_imports = dict(imports=['mmhdf', 'mmhdf.compat.enable', "
        "'tests.helpers.pause_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='PauseAtFirstIterHook', "
        f'ready={ready!r}, go={go!r})]\n')
    first = _train([str(pause_cfg), '--work-dir', work, '--cfg-options',
                    *opts])
    try:
        deadline = time.time() + 300
        while not osp.exists(ready) and first.poll() is None and \
                time.time() < deadline:
            time.sleep(0.2)
        assert osp.exists(ready), first.communicate()[1][-3000:]

        second = run(['tools/train.py', R3D_CFG, '--work-dir', work,
                      '--cfg-options', *opts])
        assert second.returncode == 1, second.stderr[-3000:]
        assert (f'error: WorkDirLockedError: work dir {work} is in use by '
                f'pid {first.pid} on host {socket.gethostname()}'
                ) in second.stderr, second.stderr[-3000:]
        assert 'Epoch(train)' not in second.stdout + second.stderr
    finally:
        open(go, 'w').close()
        _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err[-3000:]  # the first run was unharmed
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
    assert not osp.exists(osp.join(work, LOCK_NAME))  # released at the end


def _die_holding_lock(work: str) -> int:
    """A process that takes the lock and is SIGKILLed; returns its pid."""
    # load the module file alone (importing mmhdf takes seconds)
    code = ('import importlib.util, os, signal, sys; '
            'spec = importlib.util.spec_from_file_location("lock", '
            'sys.argv[2]); m = importlib.util.module_from_spec(spec); '
            'spec.loader.exec_module(m); '
            'm.WorkDirLock(sys.argv[1]).acquire(); '
            'os.kill(os.getpid(), signal.SIGKILL)')
    proc = subprocess.Popen([
        sys.executable, '-c', code, work,
        osp.join(ROOT, 'mmhdf', 'utils', 'workdir_lock.py')])
    assert proc.wait(timeout=120) == -signal.SIGKILL
    return proc.pid


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    work = str(tmp_path / 'work')
    dead = _die_holding_lock(work)
    with open(osp.join(work, LOCK_NAME)) as f:
        assert json.load(f)['pid'] == dead
    lock = WorkDirLock(work)
    previous = lock.acquire()
    try:
        assert previous['pid'] == dead
        with open(osp.join(work, LOCK_NAME)) as f:
            assert json.load(f)['pid'] == os.getpid()
        with pytest.raises(WorkDirLockedError, match=f'pid {os.getpid()} on '
                           f'host {socket.gethostname()}'):
            WorkDirLock(work).acquire()  # held: a second opener fails
    finally:
        lock.release()
    assert not osp.exists(osp.join(work, LOCK_NAME))


def test_lock_hook_warns_when_taking_over_and_skips_testing(tmp_path):
    work = str(tmp_path / 'work')
    dead = _die_holding_lock(work)
    tester = _Runner(work, training=False)  # tools/test.py: no lock
    hook = WorkDirLockHook()
    hook.before_run(tester)
    assert tester.logger.lines == []
    runner = _Runner(work)
    hook.before_run(runner)
    try:
        level, msg = runner.logger.lines[0]
        assert level == 'warning'
        assert (f'Took over the stale work-dir lock {work}/{LOCK_NAME} of '
                f'pid {dead} on host {socket.gethostname()}') in msg
    finally:
        hook.after_run(runner)
    assert not osp.exists(osp.join(work, LOCK_NAME))


def test_a_failed_run_does_not_lock_out_a_retry_in_the_same_process(
        tmp_path):
    work = str(tmp_path / 'work')
    failed = _Runner(work)
    WorkDirLockHook().before_run(failed)  # raised later: no after_run
    retry = _Runner(work)
    hook = WorkDirLockHook()
    hook.before_run(retry)  # same process: reused, not "in use by pid"
    with pytest.raises(WorkDirLockedError):
        WorkDirLock(work).acquire()  # still exclusive for others
    hook.after_run(retry)
    assert not osp.exists(osp.join(work, LOCK_NAME))
