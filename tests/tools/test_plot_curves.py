"""tools/analysis/plot_curves.py on handwritten mmengine scalars.json."""
import json

import pytest

from tests.helpers.scripts import load_script

# epoch-based: 2 epochs of 4 iterations, logger interval 2, val per epoch
TIMES = {'data_time': 0.01, 'time': 0.2}
EPOCH_ROWS = [
    dict(lr=0.1, loss=2.0, **TIMES, epoch=1, iter=2, step=2),
    dict(lr=0.1, loss=1.5, **TIMES, epoch=1, iter=4, step=4),
    {'bad_samples/train_epoch': 0, 'step': 1},
    {'dfer/WAR': 35.0, 'dfer/UAR': 30.0, **TIMES, 'step': 1},
    None,  # a blank line
    dict(lr=0.05, loss=1.2, **TIMES, epoch=2, iter=6, step=6),
    dict(lr=0.05, loss=1.0, **TIMES, epoch=2, iter=8, step=8),
    {'dfer/WAR': 45.0, 'dfer/UAR': 40.0, **TIMES, 'step': 2},
]
# iteration-based: val every 10 iterations
ITER_ROWS = [
    dict(lr=0.1, loss=2.2, iter=5, step=5),
    dict(lr=0.1, loss=1.7, iter=10, step=10),
    {'dfer/UAR': 25.0, 'step': 10},
]


def _lines(rows):
    """mmengine's format: one ``json.dumps`` object per line."""
    return ''.join('\n' if r is None else json.dumps(r) + '\n'
                   for r in rows)


@pytest.fixture(scope='module')
def tool():
    return load_script('tools/analysis/plot_curves.py', 'plot_curves')


@pytest.fixture
def runs(tmp_path):
    epoch_dir = tmp_path / 'work_a' / '20261201_000000' / 'vis_data'
    epoch_dir.mkdir(parents=True)
    (epoch_dir / 'scalars.json').write_text(_lines(EPOCH_ROWS))
    iter_file = tmp_path / 'b_scalars.json'
    iter_file.write_text(_lines(ITER_ROWS))
    return str(tmp_path / 'work_a'), str(iter_file)


def test_series_iteration_and_epoch_axes(tool, runs):
    rows = tool.load_scalars(tool.find_scalars(runs[0]))
    assert len(rows) == 7  # the blank line is skipped
    assert tool.series(rows, 'loss') == ([2, 4, 6, 8], [2.0, 1.5, 1.2, 1.0])
    # validation of epoch e sits at the last iteration of epoch e
    assert tool.series(rows, 'dfer/UAR') == ([4, 8], [30.0, 40.0])
    assert tool.series(rows, 'loss', 'epoch') == ([0.5, 1.0, 1.5, 2.0],
                                                  [2.0, 1.5, 1.2, 1.0])
    assert tool.series(rows, 'dfer/UAR', 'epoch') == ([1, 2], [30.0, 40.0])
    assert tool.series(rows, 'lr') == ([2, 4, 6, 8], [0.1, 0.1, 0.05, 0.05])
    assert tool.series(rows, 'nope') == ([], [])
    iter_rows = tool.load_scalars(runs[1])
    assert tool.series(iter_rows, 'dfer/UAR') == ([10], [25.0])
    with pytest.raises(tool.ScalarsError, match='iteration-based run'):
        tool.series(iter_rows, 'loss', 'epoch', runs[1])


def test_cli_writes_png_with_overlaid_runs(tool, runs, tmp_path):
    import matplotlib.image as mpimg
    out = tmp_path / 'plots' / 'curves.png'
    assert tool.main([
        runs[0], runs[1], '--keys', 'loss', 'dfer/UAR', '--labels', 'A',
        'B', '--out', str(out), '--title', 'test'
    ]) == 0
    image = mpimg.imread(str(out))
    assert image.shape[0] == 2 * 280 and image.shape[1] == 800  # 8x5.6 in

    loaded = [('A', tool.load_scalars(tool.find_scalars(runs[0])), 'a'),
              ('B', tool.load_scalars(runs[1]), 'b')]
    fig = tool.plot_runs(loaded, ['loss', 'dfer/UAR'], 'iter',
                         str(tmp_path / 'again.png'))
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ['loss', 'dfer/UAR']
    lines = {(ax.get_title(), ln.get_label()): (list(ln.get_xdata()),
                                               list(ln.get_ydata()))
             for ax in axes for ln in ax.get_lines()}
    assert lines[('loss', 'A')] == ([2, 4, 6, 8], [2.0, 1.5, 1.2, 1.0])
    assert lines[('loss', 'B')] == ([5, 10], [2.2, 1.7])
    assert lines[('dfer/UAR', 'B')] == ([10], [25.0])
    assert axes[-1].get_xlabel() == 'iteration'


def test_malformed_json_names_file_and_line(tool, tmp_path, capsys):
    bad = tmp_path / 'scalars.json'
    bad.write_text('{"loss": 1.0, "step": 1}\n\n{"loss": 0.9, "step": 2\n')
    with pytest.raises(tool.ScalarsError,
                       match=rf'{bad}:3: malformed JSON'):
        tool.load_scalars(str(bad))
    assert tool.main([str(bad), '--out', str(tmp_path / 'x.png')]) == 2
    err = capsys.readouterr().err
    assert f'{bad}:3: malformed JSON' in err
    assert not (tmp_path / 'x.png').exists()
    bad.write_text('{"loss": 1.0, "step": 1}\n[1, 2]\n')
    with pytest.raises(tool.ScalarsError, match=rf'{bad}:2: expected a JSON'):
        tool.load_scalars(str(bad))


def test_unknown_key_and_missing_run(tool, runs, tmp_path, capsys):
    assert tool.main([runs[0], '--keys', 'los',
                      '--out', str(tmp_path / 'x.png')]) == 2
    err = capsys.readouterr().err
    assert "keys ['los'] occur in no run" in err and "'loss'" in err
    assert tool.main([str(tmp_path / 'none'), '--out',
                      str(tmp_path / 'x.png')]) == 2
    assert 'no scalars.json' in capsys.readouterr().err
    assert tool.main([runs[0], runs[1], '--labels', 'A']) == 2
