"""DSMShareProbe under MMDistributedDataParallel + SAM (2 CPU processes,
gloo): measuring the share inside the forward leaves training unchanged."""
import gc

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel


class TwoLossMLP(BaseModel):
    """CE on the logits + a feature term on the hidden layer, like HDFHead."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.body = nn.Sequential(nn.Linear(4, 8), nn.Tanh())
        self.fc = nn.Linear(8, 3)
        self.probe = None

    def forward(self, inputs, labels=None, mode='tensor'):
        z = self.body(inputs)
        out = self.fc(z)
        if mode != 'loss':
            return out
        ce, dsm = F.cross_entropy(out, labels), 0.1 * z.pow(2).mean()
        if self.probe is not None:
            self.probe(ce, dsm)
        return dict(loss_ce=ce, loss_dsm=dsm)


def worker(rank, world, init_file, out_file, probe_on):
    import mmhdf  # noqa: F401
    from mmengine.model import MMDistributedDataParallel

    from mmhdf.engine.hooks import DSMShareProbe
    from mmhdf.engine.optimizers import SAMOptimWrapper
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    model = TwoLossMLP().double()
    if probe_on:
        model.probe = DSMShareProbe(list(model.body.parameters()))
    ddp = MMDistributedDataParallel(
        model, device_ids=None, broadcast_buffers=False)
    wrapper = SAMOptimWrapper(
        torch.optim.AdamW(model.parameters(), lr=0.05), rho=0.05)
    shares = []
    for step in range(3):
        g = torch.Generator().manual_seed(step)
        x = torch.randn(8, 4, generator=g, dtype=torch.float64)
        y = torch.randint(0, 3, (8, ), generator=g)
        if probe_on:
            model.probe.arm()
        ddp.train_step(dict(inputs=x[rank::world], labels=y[rank::world]),
                       wrapper)
        if probe_on:
            shares.append(model.probe.result['share'])
    if rank == 0:
        torch.save(dict(state=model.state_dict(), shares=shares), out_file)
    # free DDP's Reducer while the group still exists (see test_sam_ddp.py)
    dist.barrier()
    del ddp
    gc.collect()
    dist.destroy_process_group()


def test_probe_leaves_ddp_sam_training_bit_identical(tmp_path):
    results = {}
    for probe_on in (False, True):
        out = str(tmp_path / f'out_{probe_on}.pt')
        mp.spawn(worker, nprocs=2, args=(
            2, str(tmp_path / f'init_{probe_on}'), out, probe_on))
        results[probe_on] = torch.load(out, weights_only=True)
    plain, probed = results[False]['state'], results[True]['state']
    assert all(torch.equal(plain[k], probed[k]) for k in plain)
    assert len(results[True]['shares']) == 3
    assert all(0 < s < 10 for s in results[True]['shares'])
