#!/usr/bin/env python3
"""LightFM WARP d 64 on vitrina-bench-trainer-scale's generated set: s/epoch with 1 and 2 threads,
peak RSS.

The set comes from `vitrina-bench-trainer-scale --write-dataset DIR` (the format is in
bench/trainer/scale_dataset_files.h); its train positives become one float32 COO matrix in the
order the Vitrina bench hands them to Model::Fit. Hyperparameters are the Vitrina bench's: WARP,
no_components 64, adagrad, learning_rate 0.05, max_sampled 10, random_state 1. Each thread count
gets a fresh model and `--epochs` single-epoch fit_partial calls (LightFM builds its positives CSR
and shuffle order inside every epoch, so each call is one epoch's whole cost); wall and CPU seconds
of each, with the load average, since the machine may be shared. The peak RSS is getrusage's
ru_maxrss of this process, its input arrays included, like the Vitrina bench's VmHWM.

Needs numpy, scipy (Debian's /usr/bin/python3) and LightFM, installed or given as a source build
with --lightfm-path (bench/README.md: building LightFM 1.17 from source).
"""
import argparse
import os
import resource
import sys
import time
from pathlib import Path

MIB = 1024.0 * 1024.0


def read_ints(folder, name):
    import numpy as np

    return np.fromfile(Path(folder) / name, dtype="<i4")


def load_train(folder):
    import numpy as np
    import scipy.sparse as sp

    users, items = (int(x) for x in (Path(folder) / "shape.txt").read_text().split())
    rows = read_ints(folder, "train_users.i32")
    cols = read_ints(folder, "train_items.i32")
    if len(rows) != len(cols):
        sys.exit(f"{folder}: train_users.i32 and train_items.i32 differ in length")
    data = np.ones(len(rows), dtype=np.float32)
    return sp.coo_matrix((data, (rows, cols)), shape=(users, items))


def rss_mib(key="VmRSS"):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="folder written by vitrina-bench-trainer-scale --write-dataset")
    parser.add_argument("--lightfm-path", help="folder holding a built lightfm package (put first on sys.path)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="one fresh model per entry")
    parser.add_argument("--epochs", type=int, default=2, help="single-epoch fit_partial calls per model")
    parser.add_argument("--components", type=int, default=64)
    args = parser.parse_args()
    if args.epochs < 1 or args.components < 1 or any(t < 1 for t in args.threads):
        sys.exit("--epochs, --components and --threads must be >= 1")
    if args.lightfm_path:
        sys.path.insert(0, args.lightfm_path)
    try:
        import lightfm
        from lightfm import LightFM
    except ImportError as error:
        sys.exit(f"LightFM is not importable ({error}): build it from source (bench/README.md) and pass "
                 "--lightfm-path, or pip install lightfm==1.17")

    print(f"reproduce: {' '.join(sys.argv)}\nLightFM {lightfm.__version__} from {Path(lightfm.__file__).parent}\n")
    start = time.perf_counter()
    train = load_train(args.data)
    print(f"read {train.shape[0]} users x {train.shape[1]} items, {train.nnz} train positives in "
          f"{time.perf_counter() - start:.1f} s; RSS {rss_mib():.0f} MiB\n")
    print("| threads | epoch | s/epoch | CPU s/epoch | load average |\n|---|---|---|---|---|")
    for threads in args.threads:
        model = LightFM(no_components=args.components, loss="warp", learning_schedule="adagrad",
                        learning_rate=0.05, max_sampled=10, random_state=1)
        for epoch in range(args.epochs):
            wall, cpu = time.perf_counter(), time.process_time()
            model.fit_partial(train, epochs=1, num_threads=threads)
            print(f"| {threads} | {epoch + 1} | {time.perf_counter() - wall:.2f} | "
                  f"{time.process_time() - cpu:.2f} | {load_average()} |", flush=True)
        del model
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"\npeak RSS {peak:.0f} MiB (ru_maxrss; VmHWM {rss_mib('VmHWM'):.0f} MiB)")


if __name__ == "__main__":
    main()
