"""SynDFER-H: a procedural, heterogeneous DFER benchmark in DFEW layout.

Faces are drawn with OpenCV from facial action units (AUs) that follow
onset-apex-offset dynamics; clips vary in capture style (8 named domains),
subject (geometry, skin tone, expressivity, timing, resting-face bias) and
sequence consistency (dropped / duplicated frames, speed changes), with
ambiguous mixtures and a little label noise.  See
``tools/data/syndfer/README.md``.

Main entry points:

* :func:`generate_benchmark` - write a benchmark (DFEW layout).
* :func:`sample_clip` / :func:`render_clip` - one clip as an array.
* :func:`apex_measures` / :func:`clip_landmarks` - face introspection.
* :func:`render_face_video` - an mp4 of a moving synthetic face.
"""
from .classes import (CLASS_NAMES, DFEW_FOLD1_TRAIN_COUNTS, NUM_CLASSES,
                      class_index, split_class_counts)
from .clip import ClipParams, clip_landmarks, render_clip, sample_clip
from .expressions import AU_NAMES, prototype
from .face import (LANDMARK_NAMES, FaceGeometry, FaceTransform,
                   face_geometry, geometry_measures, landmarks)
from .draw import draw_face
from .generator import (PRESETS, SPLITS, BenchmarkConfig,
                        generate_benchmark, make_config, make_plan,
                        split_csv_path)
from .introspect import apex_measures
from .styles import IN_DOMAIN_STYLES, SHIFTED_STYLES, STYLES
from .subjects import Subject, neutral_subject, sample_subject
from .video import render_face_video

__all__ = [
    'CLASS_NAMES', 'DFEW_FOLD1_TRAIN_COUNTS', 'NUM_CLASSES', 'class_index',
    'split_class_counts', 'ClipParams', 'clip_landmarks', 'render_clip',
    'sample_clip', 'AU_NAMES', 'prototype', 'LANDMARK_NAMES',
    'FaceGeometry', 'FaceTransform', 'face_geometry', 'geometry_measures',
    'landmarks', 'draw_face', 'PRESETS', 'SPLITS', 'BenchmarkConfig',
    'generate_benchmark', 'make_config', 'make_plan', 'split_csv_path',
    'apex_measures', 'IN_DOMAIN_STYLES', 'SHIFTED_STYLES', 'STYLES',
    'Subject', 'neutral_subject', 'sample_subject', 'render_face_video',
]
