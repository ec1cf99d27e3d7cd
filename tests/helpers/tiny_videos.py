"""An in-memory clip dataset for hook tests that run a real Runner."""
import torch
from mmaction.structures import ActionDataSample
from torch.utils.data import Dataset


class TinyVideos(Dataset):
    """8 random 8x32x32 clips, 3 classes, in memory.

    Each item is ``dict(inputs=[1, 3, 8, 32, 32] float tensor,
    data_samples=ActionDataSample with gt label i % 3)``.
    """

    def __init__(self, n: int = 8):
        gen = torch.Generator().manual_seed(0)
        self.clips = torch.randint(
            0, 256, (n, 1, 3, 8, 32, 32), generator=gen).float()
        self.labels = [i % 3 for i in range(n)]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return dict(
            inputs=self.clips[i],
            data_samples=ActionDataSample().set_gt_label(self.labels[i]))
