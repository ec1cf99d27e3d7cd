"""describe_machine / machine_line name the CPU, ISA and threads."""
import torch

from mmhdf.utils import machine


def test_machine_line_names_cpu_isa_threads(monkeypatch):
    monkeypatch.setattr(machine, 'cpu_model', lambda: 'Test CPU 9000')
    monkeypatch.setenv('ATEN_CPU_CAPABILITY', 'default')
    monkeypatch.delenv('ONEDNN_MAX_CPU_ISA', raising=False)
    line = machine.machine_line()
    assert line.startswith('machine: Test CPU 9000 (')
    assert f'ISA {torch.backends.cpu.get_cpu_capability()}' in line
    assert f'{torch.get_num_threads()} torch threads' in line
    assert line.endswith(', ATEN_CPU_CAPABILITY=default')
    assert 'ONEDNN_MAX_CPU_ISA' not in line


def test_cpu_model_reads_proc_cpuinfo(tmp_path, monkeypatch):
    info = tmp_path / 'cpuinfo'
    info.write_text('processor\t: 0\nmodel name\t: AMD EPYC 7B13\n')
    real_open = open
    monkeypatch.setattr('builtins.open', lambda p, *a, **k: real_open(
        info if p == '/proc/cpuinfo' else p, *a, **k))
    assert machine.cpu_model() == 'AMD EPYC 7B13'


def test_write_report_writes_table_and_json(tmp_path, capsys):
    import json

    import numpy as np

    from mmhdf.utils.report import write_report
    write_report(str(tmp_path / 'out'), 'x', 'protocol: p\n\n| a |',
                 dict(v=np.float64(1.5)))
    assert (tmp_path / 'out' / 'x.md').read_text() == 'protocol: p\n\n| a |\n'
    assert json.loads((tmp_path / 'out' / 'x.json').read_text()) == {'v': 1.5}
    assert 'protocol: p' in capsys.readouterr().out
