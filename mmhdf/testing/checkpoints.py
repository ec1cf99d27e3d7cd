"""Checkpoints for tests: pickle payloads that must never run."""
import torch


class Payload:
    """Unpickling this object calls ``open(marker, 'w')``: creates a file.

    Args:
        marker (str): The file that full unpickling would create.
    """

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def write_malicious(path: str, marker: str) -> None:
    """A tiny checkpoint whose unpickling would create ``marker``.

    Args:
        path (str): Output checkpoint.
        marker (str): File the payload would create.
    """
    torch.save({'state_dict': {'w': torch.zeros(1)},
                'meta': {'x': Payload(marker)}}, path)
