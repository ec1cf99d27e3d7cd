"""Tiny fake DFEW / FERV39k / MAFW trees in the official layouts.

Frame ``k`` (1-based) of every clip is a uniform image of grey level
``frame_value(k)``, so tests can tell which frames a pipeline decoded.
"""
import os
import os.path as osp
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import cv2
import numpy as np

DFEW_NAMES = ('Happy', 'Sad', 'Neutral', 'Angry', 'Surprise', 'Disgust',
              'Fear')


def frame_value(k: int) -> int:
    """Grey level of 1-based frame ``k``."""
    return (10 * k) % 250


def write_frames(frame_dir: str,
                 num_frames: int,
                 naming: str = 'dfew',
                 clip_id: str = '00001',
                 ext: str = 'jpg',
                 size: int = 16,
                 skip: Iterable[int] = ()) -> List[str]:
    """Write ``num_frames`` frames named per ``naming``.

    Args:
        frame_dir (str): output folder (created).
        num_frames (int): frames 1..num_frames.
        naming (str): ``'dfew'`` (``<id>_<05d>.jpg``), ``'plain'``
            (``1.jpg``), ``'img'`` (``img_00001.jpg``).
        clip_id (str): clip id used by ``'dfew'`` naming.
        ext (str): ``'jpg'`` or ``'png'``.
        size (int): square frame side.
        skip (Iterable[int]): frame numbers not written (gaps).

    Returns:
        list[str]: written file names in frame order.
    """
    os.makedirs(frame_dir, exist_ok=True)
    names = []
    skip = set(skip)
    for k in range(1, num_frames + 1):
        if k in skip:
            continue
        if naming == 'dfew':
            name = f'{clip_id}_{k:05d}.{ext}'
        elif naming == 'plain':
            name = f'{k}.{ext}'
        else:
            name = f'img_{k:05d}.{ext}'
        img = np.full((size, size, 3), frame_value(k), np.uint8)
        cv2.imwrite(osp.join(frame_dir, name), img)
        names.append(name)
    return names


# ----------------------------------------------------------------- DFEW
#: 14 clips: id -> (official 1-based label, frames in clip_224x224)
DFEW_CLIPS: Dict[int, Tuple[int, int]] = {
    i: ((i - 1) % 7 + 1, 5 if i == 3 else 20)
    for i in range(1, 15)
}
DFEW_FOLD1_TRAIN = list(range(1, 11))
DFEW_FOLD1_TEST = list(range(11, 15))


def make_dfew(root: str,
              clips: Optional[Dict[int, Tuple[int, int]]] = None,
              with_16f: bool = True,
              with_video: bool = False) -> str:
    """Build a fake DFEW release under ``root``.

    * ``Clip/clip_224x224/<05d>/<05d>_<05d>.jpg``, clip 3 has 5 frames;
    * ``Clip/clip_224x224_16f/<05d>/{1..16}.jpg`` (unpadded names);
    * fold 1: ``train(single-labeled)`` (hyphen, padded ids, header) and
      ``test(single-labeled)`` (unpadded ids);
    * fold 2: ``(single_labeled)`` underscore spelling, folds swapped.

    Returns:
        str: ``root``.
    """
    clips = clips or DFEW_CLIPS
    for cid, (_, n) in clips.items():
        sid = f'{cid:05d}'
        write_frames(osp.join(root, 'Clip', 'clip_224x224', sid), n, 'dfew',
                     sid)
        if with_16f:
            write_frames(
                osp.join(root, 'Clip', 'clip_224x224_16f', sid), 16, 'plain')
    if with_video:
        from .videos import write_video
        vdir = osp.join(root, 'Clip', 'original')
        os.makedirs(vdir, exist_ok=True)
        for cid, (lab, n) in clips.items():
            write_video(osp.join(vdir, f'{cid:05d}.mp4'), lab - 1,
                        num_frames=n, size=32)
    split = osp.join(root, 'EmoLabel_DataSplit')
    write_dfew_csv(
        osp.join(split, 'train(single-labeled)', 'set_1.csv'),
        [(f'{i:05d}', clips[i][0]) for i in DFEW_FOLD1_TRAIN if i in clips])
    write_dfew_csv(
        osp.join(split, 'test(single-labeled)', 'set_1.csv'),
        [(str(i), clips[i][0]) for i in DFEW_FOLD1_TEST if i in clips])
    write_dfew_csv(
        osp.join(split, 'train(single_labeled)', 'set_2.csv'),
        [(str(i), clips[i][0]) for i in DFEW_FOLD1_TEST if i in clips])
    write_dfew_csv(
        osp.join(split, 'test(single_labeled)', 'set_2.csv'),
        [(str(i), clips[i][0]) for i in DFEW_FOLD1_TRAIN if i in clips])
    return root


def write_dfew_csv(path: str,
                   rows: Sequence[Tuple],
                   header: Optional[str] = 'video_name,label') -> str:
    """Write a DFEW split CSV."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        if header is not None:
            f.write(header + '\n')
        for row in rows:
            f.write(','.join(str(c) for c in row) + '\n')
    return path


# -------------------------------------------------------------- FERV39k
FERV_EMOTIONS = ('Angry', 'Disgust', 'Fear', 'Happy', 'Neutral', 'Sad',
                 'Surprise')
#: (scene, emotion, number, frames): 3 scenes, every emotion, one 8-frame
#: clip (short, < 16)
FERV_TRAIN = [('Crime', 'Angry', '0063', 20)] + [
    (sc, emo, f'{i:04d}', 8 if (sc, emo) == ('Interview', 'Fear') else 18)
    for i, (sc, emo) in enumerate(
        (s, e) for s in ('Interview', 'DailyLife') for e in FERV_EMOTIONS)
]
FERV_TEST = [('Interview', 'Happy', '0118', 12), ('Crime', 'Sad', '0200', 30),
             ('War', 'Fear', '0201', 25)]


def make_ferv39k(root: str, double_nested: bool = True) -> str:
    """Fake FERV39k: ``2_ClipsforFaceCrop/2_ClipsforFaceCrop/<Scene>/<Emo>/
    <NNNN>/`` (doubled nesting by default) and the header-less,
    space-separated ``4_setups/All_scenes/{train,test}_All.csv``; the first
    train row is ``Crime/Angry/0063 Angry`` as in the release."""
    faces = osp.join(root, '2_ClipsforFaceCrop')
    if double_nested:
        faces = osp.join(faces, '2_ClipsforFaceCrop')
    for split, rows in (('train', FERV_TRAIN), ('test', FERV_TEST)):
        lines = []
        for sc, emo, num, n in rows:
            write_frames(osp.join(faces, sc, emo, num), n, 'img', size=8)
            lines.append(f'{sc}/{emo}/{num} {emo}')
        path = osp.join(root, '4_setups', 'All_scenes', f'{split}_All.csv')
        os.makedirs(osp.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return root


# ----------------------------------------------------------------- MAFW
MAFW_LABELS = ('anger', 'disgust', 'fear', 'happiness', 'neutral',
               'sadness', 'surprise', 'contempt', 'anxiety', 'helplessness',
               'disappointment')


def make_mafw(root: str, ext: str = 'png') -> str:
    """Fake MAFW: 22 clips (2 per class), ``data/frames/<NNNNN>/`` frames,
    fold 1 (clips 1..16 train, 17..22 test) in
    ``anno/single/no_caption/set_1/{train,test}.txt`` and GBK,
    tab-separated ``with_caption`` files covering only the even clips."""
    clips = {i: MAFW_LABELS[(i - 1) % 11] for i in range(1, 23)}
    for cid in clips:
        write_frames(osp.join(root, 'data', 'frames', f'{cid:05d}'),
                     10 if cid == 2 else 20, 'plain', ext=ext, size=8)
    splits = {'train': range(1, 17), 'test': range(17, 23)}
    for split, ids in splits.items():
        nc = osp.join(root, 'anno', 'single', 'no_caption', 'set_1',
                      f'{split}.txt')
        wc = osp.join(root, 'anno', 'single', 'with_caption', 'set_1',
                      f'{split}.txt')
        os.makedirs(osp.dirname(nc), exist_ok=True)
        os.makedirs(osp.dirname(wc), exist_ok=True)
        with open(nc, 'w') as f:
            f.write(''.join(f'{i:05d}.mp4 {clips[i]}\n' for i in ids))
        with open(wc, 'w', encoding='gbk') as f:
            f.write(''.join(
                f'{i:05d}.mp4\t{clips[i]}\t一个人在笑{i}\tA person {i}\n'
                for i in ids if i % 2 == 0))
    return root
