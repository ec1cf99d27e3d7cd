"""Inference on raw videos: face detection, tracking, cropping, prediction.

Import on demand (``import mmhdf.apis``); ``import mmhdf`` does not load it.
Used by ``demo/demo_video.py`` and ``tools/data/face_crop.py``.
"""
from .cv2_paths import (cv2_input_path, cv2_output_path, cv2_safe,
                        display_path)
from .face_detection import (DETECTOR_HELP, BaseFaceDetector,
                             FixedBoxDetector, FullFrameDetector,
                             HaarFaceDetector, build_face_detector)
from .face_tracking import (DEFAULT_MIN_FACE_SHARE, DETECTED, HELD,
                            INTERPOLATED, FaceTrack, NoFaceError, box_iou,
                            crop_face, link_detections, square_box,
                            track_main_face)
from .face_video import check_face_share, detect_main_face, extract_face_crops
from .inference import (DFEW_CLASSES, CheckpointError,
                        CheckpointMismatchError, CheckpointReadError,
                        ClipSpec, build_clip_pipeline, read_checkpoint,
                        build_window_sampler, get_class_names,
                        get_test_pipeline_cfg,
                        load_recognizer, parse_clip_spec, predict_clips,
                        sample_clip_indices, sliding_windows)
from .video import (VIDEO_EXTENSIONS, VideoInfo, VideoReadError, iter_frames,
                    open_video_writer, probe_video)
from .video_demo import VideoDemoResult, run_video_demo, save_face_frames
from .visualization import (draw_frame, frame_to_window, plot_timeline,
                            render_annotated_video, window_records,
                            write_predictions)

__all__ = [
    'cv2_input_path', 'cv2_output_path', 'cv2_safe', 'display_path',
    'DEFAULT_MIN_FACE_SHARE', 'check_face_share', 'CheckpointError',
    'CheckpointMismatchError', 'CheckpointReadError', 'read_checkpoint',
    'DETECTOR_HELP', 'BaseFaceDetector', 'HaarFaceDetector',
    'FullFrameDetector', 'FixedBoxDetector', 'build_face_detector',
    'DETECTED', 'INTERPOLATED', 'HELD', 'FaceTrack', 'NoFaceError', 'box_iou',
    'crop_face', 'link_detections', 'square_box', 'track_main_face',
    'detect_main_face', 'extract_face_crops', 'DFEW_CLASSES', 'ClipSpec',
    'build_clip_pipeline', 'build_window_sampler', 'get_class_names',
    'get_test_pipeline_cfg',
    'load_recognizer', 'parse_clip_spec', 'predict_clips',
    'sample_clip_indices', 'sliding_windows', 'VIDEO_EXTENSIONS', 'VideoInfo',
    'VideoReadError', 'iter_frames', 'open_video_writer', 'probe_video',
    'VideoDemoResult', 'run_video_demo', 'save_face_frames', 'draw_frame',
    'frame_to_window', 'plot_timeline', 'render_annotated_video',
    'window_records', 'write_predictions'
]
