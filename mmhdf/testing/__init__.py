"""Test fixtures shared by ``tests/`` and ``benchmarks/``.

Import on demand (``import mmhdf.testing``); ``import mmhdf`` does not load
it, and nothing outside tests and benchmarks should.

* :mod:`.reference_dam` - the literal reference formulation of DAM (the
  numerical check of :class:`mmhdf.models.dam.DAM` and its benchmark).
* :mod:`.fake_dfer` - tiny DFEW / FERV39k / MAFW trees in the official
  layouts.
* :mod:`.videos` - tiny labelled mp4 videos and video-list datasets.
* :mod:`.dfer_tiny` - tiny recognizer configs, checkpoints, noise videos.
* :mod:`.checkpoints` - checkpoints with pickle payloads.
* :mod:`.face_videos` - real-face scenes from scikit-image's photographs
  with ground truth (detector and alignment tests, ``bench_face.py``).
"""
