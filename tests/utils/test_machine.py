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
