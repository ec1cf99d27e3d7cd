"""Let mmengine's distributed launch work on CPU-only hosts (gloo).

mmengine 0.10.x assumes CUDA on its ``pytorch`` launcher path:

1. ``_init_dist_pytorch`` calls ``torch.cuda.set_device(local_rank)``, which
   fails on a CPU-only torch build, and uses the configured backend (nccl);
2. ``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to
   ``MMDistributedDataParallel``, which DDP rejects for CPU modules.

:func:`patch_cpu_distributed` fixes both **only when no GPU is present**:
the process group is created with the gloo backend and DDP gets
``device_ids=None``. GPU hosts keep mmengine's behaviour (NCCL, one device per
process) untouched. It is the ``'dist_cpu'`` piece of
:func:`mmhdf.compat.apply` (mmhdf's configs and tools), never applied by
``import mmhdf``.
"""
import functools

import torch

_patched = False


def _gpu_present() -> bool:
    return torch.cuda.is_available()


def patch_cpu_distributed() -> bool:
    """Install the CPU fixes once when no GPU is present.

    Returns:
        bool: True if the patches were installed by this call.
    """
    global _patched
    if _patched or _gpu_present():
        return False
    import mmengine.dist.utils as dist_utils
    from mmengine.model.wrappers import distributed as mm_ddp

    original_init = dist_utils._init_dist_pytorch

    @functools.wraps(original_init)
    def _init_dist_pytorch_cpu(backend, init_backend='torch', **kwargs):
        if _gpu_present():  # a GPU appeared (e.g. CUDA_VISIBLE_DEVICES)
            return original_init(backend, init_backend=init_backend, **kwargs)
        import torch.distributed as torch_dist
        torch_dist.init_process_group(backend='gloo', **kwargs)

    dist_utils._init_dist_pytorch = _init_dist_pytorch_cpu

    ddp_cls = mm_ddp.MMDistributedDataParallel
    original_ddp_init = ddp_cls.__init__

    @functools.wraps(original_ddp_init)
    def _ddp_init_cpu(self, module, *args, **kwargs):
        if not _gpu_present():
            kwargs['device_ids'] = None
        original_ddp_init(self, module, *args, **kwargs)

    ddp_cls.__init__ = _ddp_init_cpu
    _patched = True
    return True


def finish_distributed() -> None:
    """Shut the process group down cleanly at the end of a tool.

    Without it, a rank that exits while its peer still tears down gloo's
    threads can abort with ``terminate called without an active exception``
    (seen on loaded 2-core CPU hosts). A barrier, then
    ``destroy_process_group``; a no-op outside distributed runs.
    """
    import torch.distributed as torch_dist
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()
