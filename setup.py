"""Installation script of mmhdf.

Install torch for your platform first (the mmaction2 convention), then
``pip install -e .`` (``pip install -e .[tests]`` for the test suite).
"""
import os.path as osp

from setuptools import find_packages, setup


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
        'tests': ['pytest>=7', 'onnx', 'onnxruntime', 'onnxscript'],
    },
    zip_safe=False,
)
