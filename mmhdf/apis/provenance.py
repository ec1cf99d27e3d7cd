"""What a checkpoint was trained on, and whether those faces were real.

The demo warns when a model has never seen a real face. The training data
is looked up, first hit wins, in:

1. the checkpoint's ``meta`` (``training_data``, also inside
   ``dataset_meta``);
2. the model-zoo metafiles (``configs/**/metafile.yml``: the ``Models``
   entry whose ``Weights`` file name or ``Config`` matches), field
   ``Metadata: Training Data``;
3. the config's training dataset (``train_dataloader.dataset``: its
   ``type`` and ``data_root``).

Data counts as synthetic when its name mentions SynDFER or "synthetic"
(:data:`SYNTHETIC_MARKERS`).
"""
import glob
import os.path as osp
from typing import Dict, Optional

#: lower-case words that mark synthetic training data
SYNTHETIC_MARKERS = ('syndfer', 'synthetic')

_REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _metafiles():
    """Metafiles of the repository and of an installed ``.mim`` copy."""
    here = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for root in (osp.join(_REPO, 'configs'), osp.join(here, '.mim',
                                                       'configs')):
        yield from sorted(glob.glob(osp.join(root, '**', 'metafile.yml'),
                                    recursive=True))


def _from_metafiles(checkpoint: Optional[str],
                    config: Optional[str]) -> Optional[Dict[str, str]]:
    try:
        import yaml
    except ImportError:  # pragma: no cover - mmengine depends on it
        return None
    ck = osp.basename(checkpoint) if checkpoint else None
    cf = osp.basename(config) if config else None
    for path in _metafiles():
        try:
            with open(path, encoding='utf-8') as f:
                doc = yaml.safe_load(f) or {}
        except (OSError, yaml.YAMLError):
            continue
        for model in doc.get('Models') or []:
            data = (model.get('Metadata') or {}).get('Training Data')
            if not data:
                continue
            weights = osp.basename(str(model.get('Weights') or ''))
            cfg = osp.basename(str(model.get('Config') or ''))
            if (ck and ck == weights) or (not ck and cf and cf == cfg):
                return dict(name=str(data), source=f'metafile {path} '
                            f'({model.get("Name")})')
    return None


def _from_config(cfg) -> Optional[Dict[str, str]]:
    try:
        ds = cfg.train_dataloader.dataset
    except (AttributeError, KeyError):
        return None
    while isinstance(ds, dict) and 'dataset' in ds:  # wrappers
        ds = ds['dataset']
    if not isinstance(ds, dict):
        return None
    name = ' '.join(str(ds.get(k, '')) for k in ('type', 'data_root'))
    return dict(name=name.strip(), source='config train_dataloader') \
        if name.strip() else None


def training_data(model, checkpoint: Optional[str] = None) -> Dict:
    """The training data of a loaded recognizer.

    Args:
        model (nn.Module): From :func:`mmhdf.apis.load_recognizer` (its
            ``checkpoint_meta``, ``dataset_meta`` and ``cfg`` are read).
        checkpoint (str, optional): The checkpoint file (matched against
            the metafiles' ``Weights``).

    Returns:
        dict: ``name`` (e.g. ``'SynDFER-H'``, or None when unknown),
        ``synthetic`` (bool), ``source`` (where it was found).
    """
    meta = getattr(model, 'checkpoint_meta', None) or {}
    dmeta = getattr(model, 'dataset_meta', None) or {}
    found = None
    for d in (meta, dmeta):
        if isinstance(d, dict) and d.get('training_data'):
            found = dict(name=str(d['training_data']),
                         source='checkpoint meta')
            break
    cfg = getattr(model, 'cfg', None)
    if found is None:
        found = _from_metafiles(checkpoint,
                                getattr(cfg, 'filename', None) if cfg
                                else None)
    if found is None and cfg is not None:
        found = _from_config(cfg)
    if found is None:
        return dict(name=None, synthetic=False, source='unknown')
    low = found['name'].lower()
    found['synthetic'] = any(m in low for m in SYNTHETIC_MARKERS)
    return found


def synthetic_warning(info: Dict) -> Optional[str]:
    """The one-line warning for synthetic training data, else None."""
    if not info.get('synthetic'):
        return None
    return (f'WARNING: model trained on synthetic faces ({info["name"]}), '
            'never on real ones - predictions on real faces are not '
            'meaningful')
