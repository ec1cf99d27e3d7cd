"""Describe the machine a number was measured on (CPU, ISA, threads).

CPU training is deterministic on one machine only: another CPU takes other
kernel paths (ISA, thread count), the float results differ in the last bits,
and a short recipe can amplify that. So every reported result names the
machine it came from.
"""
import os
import platform
from typing import Dict

import torch

# environment variables that change which CPU kernels torch runs
KERNEL_ENV = ('ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA',
              'MKL_ENABLE_INSTRUCTIONS', 'OMP_NUM_THREADS')


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux).

    Returns:
        str: e.g. ``'AMD EPYC'``; ``platform.processor()`` or ``'unknown'``
        elsewhere.
    """
    try:
        with open('/proc/cpuinfo', encoding='utf-8', errors='replace') as f:
            for line in f:
                if line.lower().startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def describe_machine() -> Dict[str, str]:
    """CPU model, torch's CPU capability (ISA), threads, torch version and
    any kernel-selecting environment variables that are set.

    Returns:
        dict: ``cpu``, ``cores``, ``isa``, ``threads``, ``torch`` and, if
        set, the :data:`KERNEL_ENV` variables.
    """
    out = dict(cpu=cpu_model(), cores=str(os.cpu_count()),
               isa=str(torch.backends.cpu.get_cpu_capability()),
               threads=str(torch.get_num_threads()),
               torch=torch.__version__)
    for key in KERNEL_ENV:
        if os.environ.get(key):
            out[key] = os.environ[key]
    return out


def machine_line() -> str:
    """One line for a protocol: ``machine: AMD EPYC (2 cores), ISA AVX512,
    2 torch threads, torch 2.13.0+cpu``.

    Returns:
        str: The description.
    """
    m = describe_machine()
    extra = ''.join(f', {k}={m[k]}' for k in KERNEL_ENV if k in m)
    return (f"machine: {m['cpu']} ({m['cores']} cores), ISA {m['isa']}, "
            f"{m['threads']} torch threads, torch {m['torch']}{extra}")
