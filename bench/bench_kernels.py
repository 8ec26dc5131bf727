"""Benchmark: float32 forward + backward of cnnlab's conv and max-pooling kernels,
side by side with PyTorch CPU when torch is importable (skipped cleanly otherwise).

Usage::

    python bench/bench_kernels.py            # best and median of 10 runs per case
    python bench/bench_kernels.py --repeat 30 --threads 1
    python bench/bench_kernels.py --threads 1 --clock cpu   # on a busy shared machine

Layers (issue 2): LeNet-5's C1 (x 64×1×32×32, w 6×1×5×5), C3 (x 64×6×14×14,
w 16×6×5×5) and a 64→64 3×3 layer with padding 1 (x 32×64×32×32). Both sides
compute the same gradients (dx, dw, db). Targets: ≤ 1.0× PyTorch on C1/C3,
≤ 1.5× on the 64-channel layer. Timings depend on the BLAS and its thread
count, printed first. On a busy shared machine use ``--threads 1 --clock cpu``:
a multi-threaded OpenBLAS whose threads wait for a core can be 10× slower.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from cnnlab.conv import conv2d_backward, conv2d_forward  # noqa: E402
from cnnlab.pool import pool2d_backward, pool2d_forward  # noqa: E402

try:  # optional: never a requirement of cnnlab
    import torch
    import torch.nn.functional as TF
except ImportError:
    torch = None

CONV_CASES = [
    # name, x shape, w shape, stride, padding, target ratio to PyTorch (issue 2)
    ("LeNet C1", (64, 1, 32, 32), (6, 1, 5, 5), 1, 0, 1.0),
    ("LeNet C3", (64, 6, 14, 14), (16, 6, 5, 5), 1, 0, 1.0),
    ("64->64 3x3 P=1", (32, 64, 32, 32), (64, 64, 3, 3), 1, 1, 1.5),
]
POOL_CASES = [
    # name, x shape, window (no target: for information)
    ("max pool after C1", (64, 6, 28, 28), 2),
    ("max pool 64ch", (32, 64, 32, 32), 2),
]


def best_ms(fn, repeat: int, clock=time.perf_counter, warmup: int = 2) -> tuple[float, float]:
    """(best, median) time of ``repeat`` runs in ms; the best is the least disturbed
    by other processes (as :mod:`timeit` recommends), the median shows the spread."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return 1e3 * min(times), 1e3 * statistics.median(times)


def blas_info() -> str:
    lines = []
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            lines.append(
                f"  {pool.get('user_api')}: {pool.get('internal_api')} {pool.get('version')} "
                f"threads={pool.get('num_threads')} ({Path(pool.get('filepath', '')).name})"
            )
    except ImportError:
        lines.append("  threadpoolctl not installed (pip install threadpoolctl to see the BLAS)")
    if torch is not None:
        lines.append(f"  torch {torch.__version__}: intra-op threads={torch.get_num_threads()}")
    return "\n".join(lines) or "  (no BLAS thread pool found)"


def numpy_conv(x, w, b, stride, padding, dout):
    def step():
        out, cache = conv2d_forward(x, w, b, stride, padding)
        conv2d_backward(dout, cache)

    return step


def torch_conv(x, w, b, stride, padding, dout):
    xt, wt, bt = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))
    dt = torch.from_numpy(dout)

    def step():
        for t in (xt, wt, bt):
            t.grad = None
        TF.conv2d(xt, wt, bt, stride=stride, padding=padding).backward(dt)

    return step


def numpy_pool(x, size, dout):
    def step():
        out, cache = pool2d_forward(x, size, mode="max")
        pool2d_backward(dout, cache)

    return step


def torch_pool(x, size, dout):
    xt, dt = torch.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(dout)

    def step():
        xt.grad = None
        TF.max_pool2d(xt, size).backward(dt)

    return step


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per case (best and median reported)")
    parser.add_argument("--threads", type=int, default=None, help="limit BLAS (and torch) threads")
    parser.add_argument(
        "--clock", choices=["wall", "cpu"], default="wall",
        help="wall: elapsed time; cpu: this process's CPU time (steadier on a busy shared machine; "
        "use with --threads 1, since it adds up the time of all threads)",
    )
    args = parser.parse_args(argv)

    limiter = None
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(args.threads)
        if torch is not None:
            torch.set_num_threads(args.threads)

    clock = time.perf_counter if args.clock == "wall" else time.process_time
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}; BLAS in use:\n{blas_info()}")
    if torch is None:
        print("torch not importable: timing cnnlab only (install torch in a separate venv to compare)")
    print(f"float32, forward + backward (dx, dw, db), {args.clock} time, best (median) of {args.repeat} runs\n")
    header = f"{'case':<20} {'cnnlab ms':>17} {'torch ms':>17} {'ratio':>7}  target"
    print(header + "\n" + "-" * len(header))

    def row(name, np_step, torch_step, target=None):
        t_np, m_np = best_ms(np_step, args.repeat, clock)
        if torch_step is None:
            print(f"{name:<20} {t_np:8.2f} ({m_np:6.2f}) {'-':>17} {'-':>7}")
            return
        t_torch, m_torch = best_ms(torch_step, args.repeat, clock)
        ratio = t_np / t_torch
        verdict = "" if target is None else f"  <= {target:.1f}x {'met' if ratio <= target else 'MISSED'}"
        print(f"{name:<20} {t_np:8.2f} ({m_np:6.2f}) {t_torch:8.2f} ({m_torch:6.2f}) {ratio:6.2f}x{verdict}")

    for name, xs, ws, stride, padding, target in CONV_CASES:
        x = rng.standard_normal(xs, dtype=np.float32)
        w = (rng.standard_normal(ws, dtype=np.float32) * 0.1).astype(np.float32)
        b = np.zeros(ws[0], np.float32)
        out, _ = conv2d_forward(x, w, b, stride, padding)
        dout = rng.standard_normal(out.shape, dtype=np.float32)
        row(name, numpy_conv(x, w, b, stride, padding, dout),
            torch_conv(x, w, b, stride, padding, dout) if torch is not None else None, target)
    for name, xs, size in POOL_CASES:
        x = rng.standard_normal(xs, dtype=np.float32)
        out, _ = pool2d_forward(x, size)
        dout = rng.standard_normal(out.shape, dtype=np.float32)
        row(name, numpy_pool(x, size, dout), torch_pool(x, size, dout) if torch is not None else None)
    if limiter is not None:
        limiter.restore_original_limits()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
