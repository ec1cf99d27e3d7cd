# mmhdf runtime defaults: mmaction2's default runtime + mmhdf's plugin import
# and the weights-only checkpoint codec.
_base_ = 'mmaction::_base_/default_runtime.py'

custom_imports = dict(imports=['mmhdf'], allow_failed_imports=False)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10, ignore_last=False),
    # DFERMetric: dfer/WAR, dfer/UAR (%); checkpoints are selected by the
    # validation UAR (never by the test split).
    checkpoint=dict(
        type='CheckpointHook', interval=1, max_keep_ckpts=2,
        save_best='dfer/UAR', rule='greater'),
    # Keeps every checkpoint loadable with torch.load(weights_only=True).
    plain_checkpoint=dict(type='PlainCheckpointHook'),
    # Per-epoch reseeding: a resumed run replays its epoch bit-exactly.
    epoch_seed=dict(type='EpochSeedHook'),
    # Stops at the first NaN / Inf loss, naming iteration and samples.
    finite_loss=dict(type='FiniteLossHook'),
    # Counts samples skipped under on_corrupt='skip' (decode transforms) and
    # reports them (files + reasons) at the end of every epoch.
    bad_samples=dict(type='BadSampleReportHook'))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

randomness = dict(seed=0, deterministic=False)
