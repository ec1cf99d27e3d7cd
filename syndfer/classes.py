"""The 7 DFEW classes and the DFEW-shaped class imbalance of SynDFER-H."""
from typing import Dict, List, Tuple

import numpy as np

#: Class names in DFEW order; index = 0-based label, CSV label = index + 1.
CLASS_NAMES: Tuple[str, ...] = ('Happy', 'Sad', 'Neutral', 'Angry',
                                'Surprise', 'Disgust', 'Fear')
NUM_CLASSES = len(CLASS_NAMES)

#: DFEW fold-1 training-set class counts (same order as CLASS_NAMES).
DFEW_FOLD1_TRAIN_COUNTS: Tuple[int, ...] = (1956, 1515, 2135, 1738, 1175,
                                            116, 721)


def class_index(name: str) -> int:
    """0-based class index of a class name (case-insensitive).

    Args:
        name (str): one of :data:`CLASS_NAMES`.

    Returns:
        int: the 0-based DFEW label.
    """
    lowered = [c.lower() for c in CLASS_NAMES]
    try:
        return lowered.index(name.lower())
    except ValueError as exc:
        raise KeyError(f'unknown class {name!r}; '
                       f'expected one of {CLASS_NAMES}') from exc


def split_class_counts(total: int, min_per_class: int = 1) -> List[int]:
    """Per-class clip counts for a split, shaped like DFEW fold 1.

    Counts are proportional to :data:`DFEW_FOLD1_TRAIN_COUNTS` (largest
    remainder rounding), every class gets at least ``min_per_class`` clips
    and the counts sum to ``total``; the clips needed for the minimum are
    taken from the largest classes.

    Args:
        total (int): number of clips in the split.
        min_per_class (int): floor for every class (e.g. to keep a handful
            of Disgust clips in every split).

    Returns:
        list[int]: one count per class, in :data:`CLASS_NAMES` order.
    """
    if total < min_per_class * NUM_CLASSES:
        raise ValueError(f'{total} clips cannot hold {min_per_class} clips '
                         f'of each of {NUM_CLASSES} classes')
    ref = np.asarray(DFEW_FOLD1_TRAIN_COUNTS, dtype=np.float64)
    exact = ref / ref.sum() * total
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind='stable')
    for i in order[:total - counts.sum()]:
        counts[i] += 1
    for c in range(NUM_CLASSES):
        while counts[c] < min_per_class:
            donor = int(np.argmax(counts))
            counts[donor] -= 1
            counts[c] += 1
    return [int(c) for c in counts]


def count_table(labels: List[int]) -> Dict[str, int]:
    """Count 0-based labels per class name.

    Args:
        labels (list[int]): 0-based labels.

    Returns:
        dict[str, int]: class name -> count (all classes present).
    """
    counts = np.bincount(np.asarray(labels, dtype=np.int64),
                         minlength=NUM_CLASSES)
    return {name: int(counts[i]) for i, name in enumerate(CLASS_NAMES)}
