"""Everything that builds a Runner or runs a model.

Import on demand (``import mmhdf.apis``); ``import mmhdf`` does not load it.

* inference on raw videos (:mod:`.inference`, :mod:`.video_demo`,
  :mod:`.visualization`; faces come from :mod:`mmhdf.face`), used by
  ``demo/demo_video.py`` and ``tools/deployment``;
* "this checkpoint on that split" (:func:`prepare_config`) and one test
  pass over a loader (:func:`run_test_pass`);
* the robustness grid (:func:`evaluate_robustness`) and cross-dataset
  testing (:func:`evaluate_cross_dataset`), used by ``tools/analysis``;
* train-then-evaluate experiments (:mod:`.experiment`), used by
  ``tools/main_job.py`` and ``benchmarks/``.
"""
from .checkpoint_test import config_split, prepare_config, run_test_pass
from .corruption_pipeline import (DECODE_TYPES, PipelineSwitch,
                                  find_decode_index, insert_corruption,
                                  parse_corruptions, parse_severities)
from .cross_dataset import (build_cross_dataset_cfg,
                            classes_from_dataset_cfg, cross_dataset_protocol,
                            evaluate_cross_dataset, source_class_names)
from .experiment import (build_run_config, evaluate_checkpoint,
                         find_checkpoints, set_data_root, train_and_evaluate)
from .inference import (DFEW_CLASSES, CheckpointError,
                        CheckpointMismatchError, CheckpointReadError,
                        ClipSpec, build_clip_pipeline, build_window_sampler,
                        get_class_names, get_test_pipeline_cfg,
                        load_recognizer, parse_clip_spec, predict_clips,
                        read_checkpoint, sample_clip_indices,
                        sliding_windows)
from .robustness import evaluate_robustness
from .video_demo import VideoDemoResult, run_video_demo
from .visualization import (draw_frame, frame_to_window, plot_timeline,
                            render_annotated_video, window_records,
                            write_predictions)

__all__ = [
    'config_split', 'prepare_config', 'run_test_pass', 'DECODE_TYPES',
    'PipelineSwitch', 'find_decode_index', 'insert_corruption',
    'parse_corruptions', 'parse_severities', 'build_cross_dataset_cfg',
    'classes_from_dataset_cfg', 'cross_dataset_protocol',
    'evaluate_cross_dataset', 'source_class_names', 'build_run_config',
    'evaluate_checkpoint', 'find_checkpoints', 'set_data_root',
    'train_and_evaluate', 'evaluate_robustness', 'DFEW_CLASSES',
    'CheckpointError', 'CheckpointMismatchError', 'CheckpointReadError',
    'ClipSpec', 'build_clip_pipeline', 'build_window_sampler',
    'get_class_names', 'get_test_pipeline_cfg', 'load_recognizer',
    'parse_clip_spec', 'predict_clips', 'read_checkpoint',
    'sample_clip_indices', 'sliding_windows', 'VideoDemoResult',
    'run_video_demo', 'draw_frame', 'frame_to_window',
    'plot_timeline', 'render_annotated_video', 'window_records',
    'write_predictions'
]
