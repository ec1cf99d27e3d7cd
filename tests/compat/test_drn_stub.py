"""The drn stub: needed on the PyPI wheel, inert where drn exists."""
import subprocess
import sys
import types

import pytest

from mmhdf.compat import drn_stub


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, timeout=120)


def test_wheel_lacks_drn_and_plain_import_fails():
    """Documents the upstream bug the stub fixes (fails once fixed upstream,
    which is the signal to drop the stub)."""
    res = _run('import mmaction.models')
    assert res.returncode != 0
    assert "No module named 'mmaction.models.localizers.drn'" in res.stderr


def test_import_mmhdf_makes_mmaction_models_importable():
    res = _run('import mmhdf, mmaction.models; '
               'from mmaction.registry import MODELS; '
               'print(MODELS.get("Recognizer3D").__name__)')
    assert res.returncode == 0, res.stderr
    assert 'Recognizer3D' in res.stdout


def test_stub_is_placeholder_that_explains_itself():
    import mmaction.models.localizers.drn.drn as drn_mod
    with pytest.raises(ImportError, match='mmaction2#2714'):
        drn_mod.DRN()


def test_not_installed_when_real_package_present(monkeypatch):
    fake = types.ModuleType(drn_stub.DRN_MODULE)
    monkeypatch.setitem(sys.modules, drn_stub.DRN_MODULE, fake)
    assert drn_stub.drn_is_missing() is False
    assert drn_stub.install_drn_stub() is False
    assert sys.modules[drn_stub.DRN_MODULE] is fake


def test_not_installed_when_drn_sources_exist(monkeypatch, tmp_path):
    root = tmp_path / 'mmaction'
    (root / 'models' / 'localizers' / 'drn').mkdir(parents=True)
    (root / 'models' / 'localizers' / 'drn' / 'drn.py').write_text('')
    spec = types.SimpleNamespace(submodule_search_locations=[str(root)])
    monkeypatch.delitem(sys.modules, drn_stub.DRN_MODULE, raising=False)
    monkeypatch.setattr(drn_stub.importlib.util, 'find_spec',
                        lambda name: spec)
    assert drn_stub.drn_is_missing() is False
