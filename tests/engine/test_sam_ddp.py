"""SAMOptimWrapper under MMDistributedDataParallel (2 CPU processes, gloo)
equals single-process SAM on the whole batch."""
import gc

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel


class TinyMLP(BaseModel):

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))

    def forward(self, inputs, labels=None, mode='tensor'):
        out = self.net(inputs)
        if mode == 'loss':
            return dict(loss_ce=F.cross_entropy(out, labels))
        return out


def data(step):
    g = torch.Generator().manual_seed(step)
    return (torch.randn(8, 4, generator=g, dtype=torch.float64),
            torch.randint(0, 3, (8, ), generator=g))


def train(model, runner_model, rank, world):
    from mmhdf.engine.optimizers import SAMOptimWrapper
    wrapper = SAMOptimWrapper(
        torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.05),
        rho=0.05, clip_grad=dict(max_norm=0.5))
    norms = []
    for step in range(2):
        x, y = data(step)
        runner_model.train_step(
            dict(inputs=x[rank::world], labels=y[rank::world]), wrapper)
        norms.append(float(wrapper.last_grad_norm))
    return norms


def worker(rank, world, init_file, out_file):
    import mmhdf  # noqa: F401
    from mmengine.model import MMDistributedDataParallel
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    model = TinyMLP().double()
    ddp = MMDistributedDataParallel(
        model, device_ids=None, broadcast_buffers=False)
    norms = train(model, ddp, rank, world)
    if rank == 0:
        torch.save(dict(state=model.state_dict(), norms=norms), out_file)
    # Free DDP's Reducer while the default group still holds the process
    # group. Otherwise the Reducer is the group's last owner, and freeing it
    # (at return, with the GIL held) joins gloo's worker thread, which may be
    # waiting for the GIL: a deadlock seen once in CI-like runs.
    dist.barrier()
    del ddp
    gc.collect()
    dist.destroy_process_group()


def test_sam_ddp_matches_single_process(tmp_path):
    out_file = str(tmp_path / 'ddp.pt')
    mp.spawn(worker, args=(2, str(tmp_path / 'init'), out_file), nprocs=2,
             join=True)
    got = torch.load(out_file, weights_only=True)
    ref = TinyMLP().double()
    norms = train(ref, ref, 0, 1)
    assert torch.allclose(torch.tensor(got['norms']), torch.tensor(norms),
                          atol=1e-12)
    for key, value in ref.state_dict().items():
        assert torch.allclose(got['state'][key], value, atol=1e-12), key
