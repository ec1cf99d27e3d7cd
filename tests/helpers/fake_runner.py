"""A stand-in for mmengine's Runner, for hook tests that train nothing."""
import os
import os.path as osp

import torch
from mmengine.logging import MessageHub
from mmengine.runner import BaseLoop


class RecordingLogger:
    """Records ``(level, message)`` pairs in :attr:`lines`."""

    def __init__(self) -> None:
        self.lines = []

    def info(self, msg: str) -> None:
        self.lines.append(('info', msg))

    def warning(self, msg: str) -> None:
        self.lines.append(('warning', msg))


class _Loop(BaseLoop):

    def run(self) -> None:
        pass


class FakeRunner:
    """What the hook uses of mmengine's Runner; saves record the folder."""

    def __init__(self, work_dir: str, training: bool = True) -> None:
        self.work_dir = work_dir
        self.logger = RecordingLogger()
        self.message_hub = MessageHub.get_instance(f'hub_{id(self)}')
        self.epoch = 0
        self.iter = 0
        self._resume = False
        self._load_from = None
        self._train_loop = _Loop.__new__(_Loop) if training else {}
        self.writes = []  # (file written, files present while writing)

    def save_checkpoint(self, out_dir, filename, **kwargs) -> None:
        self.writes.append((filename, set(os.listdir(out_dir))))
        torch.save({'meta': kwargs.get('meta'), 'state_dict': {}},
                   osp.join(out_dir, filename))
