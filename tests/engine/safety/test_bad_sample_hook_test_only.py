"""BadSampleReportHook must not build the train loop in a test-only run."""
from types import SimpleNamespace

from mmengine.logging import MessageHub

from mmhdf.engine.safety.bad_sample_hook import BadSampleReportHook


class _TestOnlyRunner(SimpleNamespace):
    @property
    def epoch(self):  # Runner.epoch builds the train loop and its data
        raise AssertionError('runner.epoch touched in a test-only run')


def test_after_test_epoch_does_not_touch_runner_epoch(tmp_path):
    runner = _TestOnlyRunner(
        log_dir=str(tmp_path), work_dir=str(tmp_path),
        message_hub=MessageHub.get_instance('bad_sample_test_only'),
        visualizer=None)
    hook = BadSampleReportHook()
    hook.before_run(runner)
    hook.before_test_epoch(runner)
    metrics = {'dfer/UAR': 50.0}
    hook.after_test_epoch(runner, metrics)
    hook.after_run(runner)
    assert runner.message_hub.get_scalar('bad_samples/test_epoch').current() \
        == 0
    assert metrics == {'dfer/UAR': 50.0}
