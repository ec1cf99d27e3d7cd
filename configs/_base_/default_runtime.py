# mmhdf runtime defaults: mmaction2's default runtime + mmhdf's plugin import
# and the weights-only checkpoint codec.
_base_ = 'mmaction::_base_/default_runtime.py'

# 'mmhdf' registers mmhdf's modules (and changes nothing upstream);
# 'mmhdf.compat.enable' applies mmhdf.compat.apply() when this config is
# loaded, before any tool builds the Runner: weights-only checkpoint loading
# for every source, and the gloo / CPU DDP launch on CPU-only hosts. Any tool
# run with an mmhdf config gets them (mmhdf's tools, mim, mmaction2's stock
# tools/test.py); a plain mmaction2 config importing 'mmhdf' does not.
custom_imports = dict(imports=['mmhdf', 'mmhdf.compat.enable'],
                      allow_failed_imports=False)

default_hooks = dict(
    # Applies mmhdf.compat.apply() when the Runner builds its hooks (for a
    # Runner built from a config dict whose custom_imports were skipped).
    compat=dict(type='MMHDFCompatHook'),
    logger=dict(type='LoggerHook', interval=10, ignore_last=False),
    # DFERMetric: dfer/WAR, dfer/UAR (%); checkpoints are selected by the
    # validation UAR (never by the test split). SafeCheckpointHook is
    # mmengine's CheckpointHook (same arguments) with crash-safe saving:
    # atomic writes, old files deleted only after the new one is complete,
    # and --resume falling back to the newest complete checkpoint.
    checkpoint=dict(
        type='SafeCheckpointHook', interval=1, max_keep_ckpts=2,
        save_best='dfer/UAR', rule='greater'),
    # Keeps every checkpoint loadable with torch.load(weights_only=True).
    plain_checkpoint=dict(type='PlainCheckpointHook'),
    # A checkpoint whose parameter names / shapes do not match the model is
    # refused (load_from, tools/test.py, --resume); --allow-partial opts in.
    strict_load=dict(type='StrictLoadHook', allow_partial=False),
    # One training per work dir: a second one fails naming pid and host.
    workdir_lock=dict(type='WorkDirLockHook'),
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
    # Timeout (seconds) of every collective operation: a rank that stalls
    # (hung data loader or file system, crashed peer) ends the whole job
    # after 5 minutes, instead of torch's defaults of 30 minutes (gloo, the
    # CPU backend) / 10 minutes (nccl). Raise it only if one rank
    # legitimately works alone for longer while the others wait (e.g. rank 0
    # building a dataset cache): --cfg-options env_cfg.dist_cfg.timeout=1800.
    dist_cfg=dict(backend='nccl', timeout=300))

# TensorBoard (pip install -e .[tensorboard]): uncomment these two lines (or
# copy them into your config) to log every scalar to
# <work_dir>/<timestamp>/vis_data/ for `tensorboard --logdir work_dirs` too.
# vis_backends = [dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')]  # noqa: E501
# visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)

randomness = dict(seed=0, deterministic=False)
