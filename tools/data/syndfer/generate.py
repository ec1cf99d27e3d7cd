"""Generate the SynDFER-H benchmark (DFEW layout) from the command line.

Example::

    python tools/data/syndfer/generate.py --out data/syndfer_h --seed 0
    python tools/data/syndfer/generate.py --out /tmp/tiny --preset tiny
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                '..', '..', '..')))

from syndfer import CLASS_NAMES, generate_benchmark  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default='data/syndfer_h', help='output folder')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--preset', default='default',
                   choices=['default', 'tiny'])
    p.add_argument('--workers', type=int, default=None,
                   help='processes (default: number of CPUs)')
    p.add_argument('--size', type=int, default=None,
                   help='frame side in pixels (default 64; tiny 32)')
    p.add_argument('--scale', type=float, default=None,
                   help='multiply all split sizes by this factor')
    p.add_argument('--num-train', type=int, default=None)
    p.add_argument('--num-val', type=int, default=None)
    p.add_argument('--num-test', type=int, default=None)
    p.add_argument('--num-shifted', type=int, default=None)
    p.add_argument('--mean-frames', type=float, default=None,
                   help='mean clip length (frames)')
    p.add_argument('--force', action='store_true',
                   help='regenerate even if an identical benchmark exists')
    p.add_argument('--quiet', action='store_true', help='no progress bar')
    return p.parse_args(argv)


def main(argv=None) -> dict:
    """Generate and print per-split class counts and the speed."""
    args = parse_args(argv)
    summary = generate_benchmark(
        args.out, seed=args.seed, preset=args.preset, workers=args.workers,
        force=args.force, progress=not args.quiet, scale=args.scale,
        size=args.size, num_train=args.num_train, num_val=args.num_val,
        num_test=args.num_test, num_shifted=args.num_shifted,
        mean_frames=args.mean_frames)
    head = f"{'split':<14}" + ''.join(f'{c[:8]:>9}' for c in CLASS_NAMES)
    print(head + f"{'total':>8}  styles")
    for split, counts in summary['counts'].items():
        row = ''.join(f'{counts[c]:>9}' for c in CLASS_NAMES)
        print(f'{split:<14}{row}{sum(counts.values()):>8}  '
              f"{','.join(summary['styles'][split])}")
    if summary['cached']:
        print(f"reused existing benchmark in {summary['root']} "
              f'(use --force to regenerate)')
    else:
        print(f"{summary['num_clips']} clips, {summary['num_frames']} "
              f"frames in {summary['seconds']:.1f} s "
              f"({summary['clips_per_s']} clips/s, "
              f"{summary['workers']} workers) -> {summary['root']}")
    return summary


if __name__ == '__main__':
    main()
