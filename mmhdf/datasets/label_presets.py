"""Class orders ("label presets") in circulation for DFEW, FERV39k and MAFW.

Every DFER loader in this package maps labels **by name**: a split file gives
a label word (or an official integer that is first turned into a word), the
word is normalised to a canonical emotion (:func:`canonical_emotion`), and the
canonical emotion is looked up in the chosen class order.  Evaluating a
checkpoint trained elsewhere only needs the matching preset, e.g.
``label_order='alphabetical'`` for S2D/S4D FERV39k heads.

Presets (ids 0..K-1):

* 7-class (DFEW, FERV39k)

  - ``dfew`` / ``mae_dfer`` / ``dfer_clip``: Happy, Sad, Neutral, Angry,
    Surprise, Disgust, Fear (official DFEW order minus one; also MAE-DFER,
    DFER-CLIP, Former-DFER, EmoCLIP).
  - ``alphabetical``: Angry, Disgust, Fear, Happy, Neutral, Sad, Surprise
    (S2D/S4D ``label_index.txt``).

* 11-class (MAFW)

  - ``mafw`` / ``mae_dfer``: anger, disgust, fear, happiness, neutral,
    sadness, surprise, contempt, anxiety, helplessness, disappointment
    (MAFW list order, used by MAE-DFER).
  - ``dfer_clip`` / ``dfew``: happiness, sadness, neutral, anger, surprise,
    disgust, fear, contempt, anxiety, helplessness, disappointment (DFEW
    order for the 7 basic classes, then the 4 MAFW-only ones).
  - ``alphabetical``: anger, anxiety, contempt, disappointment, disgust,
    fear, happiness, helplessness, neutral, sadness, surprise (S2D
    ``id_to_calss.txt``).
"""
from typing import Dict, Sequence, Tuple, Union

# canonical emotion -> accepted spellings (lower case)
_SYNONYMS: Dict[str, Tuple[str, ...]] = {
    'happy': ('happy', 'happiness', 'hap'),
    'sad': ('sad', 'sadness'),
    'neutral': ('neutral', 'neu'),
    'angry': ('angry', 'anger', 'ang'),
    'surprise': ('surprise', 'surprised', 'sur'),
    'disgust': ('disgust', 'disgusted', 'dis'),
    'fear': ('fear', 'fearful', 'fea'),
    'contempt': ('contempt', ),
    'anxiety': ('anxiety', ),
    'helplessness': ('helplessness', ),
    'disappointment': ('disappointment', ),
}
_LOOKUP: Dict[str, str] = {
    s: canon
    for canon, spellings in _SYNONYMS.items() for s in spellings
}

#: Official DFEW order (1-based in the release: 1 Happy ... 7 Fear).
DFEW_OFFICIAL_ORDER = ('Happy', 'Sad', 'Neutral', 'Angry', 'Surprise',
                       'Disgust', 'Fear')

_7_DFEW = DFEW_OFFICIAL_ORDER
_7_ALPHA = ('Angry', 'Disgust', 'Fear', 'Happy', 'Neutral', 'Sad',
            'Surprise')
_11_MAFW = ('anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness',
            'surprise', 'contempt', 'anxiety', 'helplessness',
            'disappointment')
_11_DFER_CLIP = ('happiness', 'sadness', 'neutral', 'anger', 'surprise',
                 'disgust', 'fear', 'contempt', 'anxiety', 'helplessness',
                 'disappointment')
_11_ALPHA = ('anger', 'anxiety', 'contempt', 'disappointment', 'disgust',
             'fear', 'happiness', 'helplessness', 'neutral', 'sadness',
             'surprise')

#: dataset -> preset name -> ordered display names
LABEL_PRESETS: Dict[str, Dict[str, Tuple[str, ...]]] = {
    'dfew': {
        'dfew': _7_DFEW,
        'mae_dfer': _7_DFEW,
        'dfer_clip': _7_DFEW,
        'alphabetical': _7_ALPHA,
    },
    'ferv39k': {
        'dfew': _7_DFEW,
        'mae_dfer': _7_DFEW,
        'dfer_clip': _7_DFEW,
        'alphabetical': _7_ALPHA,
    },
    'mafw': {
        'mafw': _11_MAFW,
        'mae_dfer': _11_MAFW,
        'dfer_clip': _11_DFER_CLIP,
        'dfew': _11_DFER_CLIP,
        'alphabetical': _11_ALPHA,
    },
}

#: default preset per dataset
DEFAULT_PRESET = {'dfew': 'dfew', 'ferv39k': 'dfew', 'mafw': 'mafw'}


def canonical_emotion(name: str) -> str:
    """Normalise a label word (any case / spelling) to a canonical emotion.

    Args:
        name (str): e.g. ``'Happy'``, ``'happiness'``, ``'hap'``.

    Returns:
        str: canonical key, e.g. ``'happy'``.

    Raises:
        KeyError: unknown label word.
    """
    key = name.strip().lower()
    if key not in _LOOKUP:
        raise KeyError(f'unknown emotion label {name!r}; known: '
                       f'{sorted(_LOOKUP)}')
    return _LOOKUP[key]


def get_label_order(dataset: str,
                    label_order: Union[str, Sequence[str], None] = None
                    ) -> Tuple[str, ...]:
    """Return the ordered class names of a preset (or validate a list).

    Args:
        dataset (str): ``'dfew'``, ``'ferv39k'`` or ``'mafw'``.
        label_order (str | Sequence[str], optional): a preset name, or an
            explicit list of label words (any accepted spelling) giving the
            class order. ``None`` selects the dataset's default preset.

    Returns:
        tuple[str]: class display names, index = class id.
    """
    dataset = dataset.lower()
    if dataset not in LABEL_PRESETS:
        raise KeyError(f'unknown dataset {dataset!r}')
    presets = LABEL_PRESETS[dataset]
    if label_order is None:
        label_order = DEFAULT_PRESET[dataset]
    if isinstance(label_order, str):
        if label_order not in presets:
            raise KeyError(f'unknown label_order {label_order!r} for '
                           f'{dataset}; presets: {sorted(presets)}')
        return presets[label_order]
    names = tuple(label_order)
    default = presets[DEFAULT_PRESET[dataset]]
    reference = {canonical_emotion(n) for n in default}
    given = [canonical_emotion(n) for n in names]
    if len(set(given)) != len(given) or set(given) != reference:
        raise ValueError(f'explicit label_order {names} must be a permutation '
                         f'of the {dataset} classes '
                         f'{presets[DEFAULT_PRESET[dataset]]}')
    return names


def build_label_map(order: Sequence[str]) -> Dict[str, int]:
    """Map canonical emotions to class ids for a given order.

    Args:
        order (Sequence[str]): class names (any accepted spelling).

    Returns:
        dict[str, int]: canonical emotion -> id.
    """
    return {canonical_emotion(n): i for i, n in enumerate(order)}


def remap_labels(labels: Sequence[int], src_order: Sequence[str],
                 dst_order: Sequence[str]) -> list:
    """Convert integer labels from one class order to another by name.

    Args:
        labels (Sequence[int]): ids in ``src_order``.
        src_order (Sequence[str]): order the ids refer to.
        dst_order (Sequence[str]): target order.

    Returns:
        list[int]: ids in ``dst_order``.
    """
    dst = build_label_map(dst_order)
    return [dst[canonical_emotion(src_order[int(i)])] for i in labels]
