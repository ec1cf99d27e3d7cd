"""Installation script of mmhdf.

Install torch for your platform first (the mmaction2 convention), then
``pip install -e .`` (``pip install -e .[tests]`` for the test suite,
``.[face]`` plus ``pip install --no-deps mediapipe==0.10.21`` for the
BlazeFace face detector (see ``extras_require``),
``.[mim]`` for ``mim train/test/search mmhdf``, ``.[tensorboard]`` for the
TensorBoard logging backend).

Like the OpenMMLab repositories, the build packages ``configs``, ``tools``,
``demo`` and ``model-index.yml`` into ``mmhdf/.mim`` (:func:`add_mim_extension`)
so that ``mim`` finds them in an installed mmhdf.
"""
import os
import os.path as osp
import shutil
import sys
import warnings
from typing import Optional

from setuptools import find_packages, setup

#: What ``mim`` reads from ``<package>/.mim`` (OpenMMLab layout).
MIM_FILES = ('configs', 'tools', 'demo', 'model-index.yml')
#: setup.py commands that link (editable) or copy (build) ``.mim``.
_LINK_COMMANDS = ('develop', 'editable_wheel')
_COPY_COMMANDS = ('build', 'build_py', 'bdist_wheel', 'sdist', 'install')


def add_mim_extension(mode: Optional[str] = None,
                      root: Optional[str] = None) -> Optional[str]:
    """Fill ``mmhdf/.mim`` with ``configs``, ``tools``, ``demo`` and
    ``model-index.yml`` from the repository root.

    Editable installs (``develop`` / ``editable_wheel``) get relative
    symbolic links, so ``.mim`` always shows the working tree; builds
    (``build``, ``bdist_wheel``, ``sdist``, ``install``) get copies, which
    ``MANIFEST.in`` ships in the wheel. An existing entry of the other kind
    is replaced. ``mmhdf/.mim`` is generated (git-ignored).

    Args:
        mode (str, optional): ``'symlink'`` or ``'copy'``; None picks it from
            the setup.py command in ``sys.argv`` (and does nothing for other
            commands such as ``egg_info``).
        root (str, optional): Repository root; defaults to this file's
            folder.

    Returns:
        str or None: The mode used, or None when nothing was done.
    """
    if mode is None:
        if any(c in sys.argv for c in _LINK_COMMANDS):
            mode = 'symlink'
        elif any(c in sys.argv for c in _COPY_COMMANDS):
            mode = 'copy'
        else:
            return None
    if mode not in ('symlink', 'copy'):
        raise ValueError(f'mode must be "symlink" or "copy", not {mode!r}')
    root = osp.dirname(osp.abspath(__file__)) if root is None else root
    mim_dir = osp.join(root, 'mmhdf', '.mim')
    os.makedirs(mim_dir, exist_ok=True)
    for name in MIM_FILES:
        src = osp.join(root, name)
        if not osp.exists(src):
            continue
        dst = osp.join(mim_dir, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            try:
                os.symlink(osp.relpath(src, mim_dir), dst)
                continue
            except OSError:  # e.g. Windows without symlink rights
                warnings.warn(f'cannot link {dst}; copying {src} instead')
        if osp.isdir(src):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns(
                '__pycache__', '*.pyc'))
        else:
            shutil.copyfile(src, dst)
    return mode


def _version() -> str:
    ns: dict = {}
    with open(osp.join(osp.dirname(__file__), 'mmhdf', 'version.py')) as f:
        exec(f.read(), ns)
    return ns['__version__']


def _mmcv_requirement() -> str:
    """mmcv-lite, unless a full mmcv is already installed (never both)."""
    try:
        from importlib.metadata import PackageNotFoundError, version
        version('mmcv')
        return 'mmcv>=2.0.0rc4,<2.2'
    except (ImportError, PackageNotFoundError):
        return 'mmcv-lite>=2.0.0rc4,<2.2'


INSTALL_REQUIRES = [
    # torch: any range that contains the CPU build 2.13.0 used by CI; install
    # torch for your platform first so pip does not pull a CUDA build.
    'torch>=2.1,<2.15',
    'mmengine>=0.10.0,<0.11',
    # mmaction2 1.2.0 asserts 2.0.0rc4 <= mmcv < 2.2.0. mmcv-lite is the pure
    # Python build; a full mmcv in the same range also satisfies mmaction2.
    _mmcv_requirement(),
    'mmaction2==1.2.0',
    'decord>=0.6.0',
    # mmaction2 imports the backport without declaring it.
    'importlib_metadata',
    # mmengine 0.10.x needs pkg_resources (removed in setuptools 82).
    'setuptools<81',
    'numpy',
    'opencv-python',
    'matplotlib',
    'scipy',
    'einops',
]

if __name__ == '__main__':
    add_mim_extension()

setup(
    name='mmhdf',
    version=_version(),
    description=('HDF (Heterogeneity-aware Distributional Framework) for '
                 'dynamic facial expression recognition on mmaction2'),
    long_description=open('README.md').read() if osp.exists('README.md')
    else '',
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(
        include=['mmhdf', 'mmhdf.*', 'syndfer', 'syndfer.*']),
    include_package_data=True,
    python_requires='>=3.9',
    install_requires=INSTALL_REQUIRES,
    extras_require={
        # ONNX export of recognizers (tools/deployment/export_onnx.py)
        'deploy': ['onnx', 'onnxruntime', 'onnxscript'],
        # scikit-image: its astronaut / brick photos are the real-face test
        # videos (mmhdf/testing/face_videos.py)
        'tests': ['pytest>=7', 'onnx', 'onnxruntime', 'onnxscript',
                  'scikit-image'],
        # BlazeFace face detector (mmhdf/face/blazeface.py): mediapipe's
        # own imports. mediapipe itself is NOT listed: 0.10.21 is the last
        # wheel that ships the .tflite models (later ones download them at
        # run time), and its metadata pins numpy<2 / protobuf<5, which would
        # downgrade numpy, opencv and protobuf; the detector runs with
        # numpy 2 and protobuf 7, so install it without its pins:
        #   pip install -e .[face] && pip install --no-deps mediapipe==0.10.21
        # (tools/setup_env.sh does this.)
        'face': ['absl-py', 'attrs', 'flatbuffers'],
        # `mim search/train/test mmhdf` (tests/tools/test_mim.py). Not in
        # `tests`: model-index (a dependency of openmim) installs a
        # top-level `tests` package that shadows this repository's tests/.
        'mim': ['openmim'],
        # TensorBoard logging backend (the vis_backends line of
        # configs/_base_/default_runtime.py)
        'tensorboard': ['tensorboard'],
    },
    zip_safe=False,
)
