"""Face preprocessing of raw videos: detection, tracking, crops, video I/O.

Import on demand (``import mmhdf.face``); ``import mmhdf`` does not load it.
Used by the demo (:mod:`mmhdf.apis.video_demo`) and by
``tools/data/face_crop.py``, which turns raw videos into DFEW-style aligned
face-crop frame folders.

* :mod:`.detection` - offline face detectors behind one spec string.
* :mod:`.blazeface` - MediaPipe BlazeFace with landmarks (``face`` extra).
* :mod:`.alignment` - landmark-aligned, temporally smoothed crops.
* :mod:`.tracking` - the main-face track, its face share, square crops.
* :mod:`.crops` - video level: detect, track and crop a whole video.
* :mod:`.video` - OpenCV video reading / writing with clear errors.
* :mod:`.cv2_paths` - file names of any bytes for OpenCV.
* :mod:`.cli_args` - the shared face options (:func:`add_face_args`) and
  ``argparse`` types of the face command lines.
"""
from .cli_args import add_face_args
from .alignment import (CANONICAL_LANDMARKS, align_face, landmark_pose,
                        track_poses)
from .crops import (check_face_share, detect_main_face, extract_face_crops,
                    save_face_frames, time_interpolate)
from .cv2_paths import (cv2_input_path, cv2_output_path, cv2_safe,
                        display_path)
from .detection import (DETECTOR_HELP, BaseFaceDetector,
                        DetectorUnavailableError, FixedBoxDetector,
                        FullFrameDetector, HaarFaceDetector,
                        build_face_detector)
from .tracking import (DEFAULT_MIN_FACE_SHARE, DETECTED, HELD, INTERPOLATED,
                       FaceTrack, NoFaceError, box_iou, crop_face,
                       link_detections, square_box, track_main_face)
from .video import (FOLDER_FPS, FRAME_EXTENSIONS, VIDEO_EXTENSIONS,
                    VideoInfo, VideoReadError, browser_video_ext, iter_frames,
                    list_frames, open_video_writer, probe_video)

__all__ = [
    'add_face_args', 'CANONICAL_LANDMARKS', 'align_face', 'landmark_pose',
    'track_poses', 'check_face_share', 'detect_main_face',
    'extract_face_crops', 'save_face_frames', 'time_interpolate',
    'cv2_input_path', 'cv2_output_path', 'cv2_safe', 'display_path',
    'DETECTOR_HELP', 'BaseFaceDetector', 'DetectorUnavailableError',
    'FixedBoxDetector', 'FullFrameDetector', 'HaarFaceDetector',
    'build_face_detector', 'DEFAULT_MIN_FACE_SHARE', 'DETECTED', 'HELD',
    'INTERPOLATED', 'FaceTrack', 'NoFaceError', 'box_iou', 'crop_face',
    'link_detections', 'square_box', 'track_main_face', 'VIDEO_EXTENSIONS',
    'FRAME_EXTENSIONS', 'FOLDER_FPS', 'VideoInfo', 'VideoReadError',
    'browser_video_ext', 'iter_frames', 'list_frames', 'open_video_writer',
    'probe_video'
]
