"""Write files so that a crash leaves either the old or the new version.

Each write goes to a temporary file in the destination's folder (same file
system), is flushed and ``fsync``-ed, then renamed over the destination with
:func:`os.replace` (atomic on POSIX), and the folder is ``fsync``-ed so the
rename itself survives a power loss.
"""
import os
import os.path as osp
from typing import Any

TMP_SUFFIX = '.tmp'


def temp_name(filename: str) -> str:
    """The temporary name a file is written under before its rename.

    Hidden and suffixed, so ``epoch_*.pth`` globs never match it.

    Args:
        filename (str): The final base name, e.g. ``epoch_3.pth``.

    Returns:
        str: e.g. ``.epoch_3.pth.<pid>.tmp``.
    """
    return f'.{filename}.{os.getpid()}{TMP_SUFFIX}'


def fsync_path(path: str) -> None:
    """``fsync`` a file or folder by path (no-op where unsupported).

    Args:
        path (str): The file or folder.
    """
    flags = os.O_RDONLY
    if osp.isdir(path):
        flags |= getattr(os, 'O_DIRECTORY', 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def commit(tmp_path: str, final_path: str) -> None:
    """Make ``tmp_path`` durable, then atomically rename it to
    ``final_path``.

    Args:
        tmp_path (str): A fully written temporary file.
        final_path (str): The destination (replaced if it exists).
    """
    fsync_path(tmp_path)
    os.replace(tmp_path, final_path)
    fsync_path(osp.dirname(osp.abspath(final_path)))


def atomic_write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically.

    Args:
        path (str): The destination file.
        text (str): Its new content.
    """
    tmp = osp.join(osp.dirname(osp.abspath(path)),
                   temp_name(osp.basename(path)))
    with open(tmp, 'w') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    commit(tmp, path)


def atomic_runner_save(runner: Any, out_dir: str, filename: str,
                       **kwargs) -> str:
    """``runner.save_checkpoint`` into a temporary file, then commit it.

    ``Runner.save_checkpoint`` writes only on the main process, so only the
    main process renames.

    Args:
        runner: The mmengine runner.
        out_dir (str): A local folder.
        filename (str): The final checkpoint name.
        **kwargs: Passed to ``runner.save_checkpoint``.

    Returns:
        str: The final path.
    """
    from mmengine.dist import is_main_process
    tmp = temp_name(filename)
    final = osp.join(out_dir, filename)
    try:
        runner.save_checkpoint(out_dir, tmp, **kwargs)
        if is_main_process():
            commit(osp.join(out_dir, tmp), final)
    finally:
        if osp.exists(osp.join(out_dir, tmp)):
            os.remove(osp.join(out_dir, tmp))
    return final
