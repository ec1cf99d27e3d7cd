"""The spread lines the main job prints beside its single run."""
import json

from mmhdf.utils.spread import ablation_spread, numerics_spread


def _rows(in_uar, sh_uar):
    return [dict(checkpoint='best_val_UAR', split='test', UAR=in_uar),
            dict(checkpoint='best_val_UAR', split='test_shifted', UAR=sh_uar),
            dict(checkpoint='last_epoch', split='test_shifted', UAR=0.0)]


def test_ablation_spread_of_the_recipe_only(tmp_path):
    path = tmp_path / 'ablation.json'
    runs = {'hdf': [dict(seed=s, rows=_rows(60 + s, 40 + 2 * s))
                    for s in (2, 0, 1)],
            'baseline': [dict(seed=0, rows=_rows(1, 1))]}
    path.write_text(json.dumps(dict(runs=runs)))
    line = ablation_spread(str(path))
    assert line.startswith('spread over training seeds [0, 1, 2]')
    assert 'in-domain UAR min 60.00 / median 61.00 / max 62.00 (n = 3)' in line
    assert 'shifted UAR min 40.00 / median 42.00 / max 44.00 (n = 3)' in line
    assert ablation_spread(str(path), 'dam') is None
    assert ablation_spread(str(tmp_path / 'missing.json')) is None


def test_numerics_spread(tmp_path):
    path = tmp_path / 'numerics.json'
    runs = [dict(perturbation=p, metrics={'in-domain UAR': u,
                                          'shifted UAR': u - 20})
            for p, u in (('native-2t', 60.0), ('avx2-2t', 50.0))]
    path.write_text(json.dumps(dict(runs=dict(v3=runs))))
    line = numerics_spread(str(path))  # today's recipe key: v3
    assert "perturbations ['avx2-2t', 'native-2t']" in line
    assert 'shifted UAR min 30.00 / median 35.00 / max 40.00 (n = 2)' in line
    assert numerics_spread(str(path), 'v2') is None
