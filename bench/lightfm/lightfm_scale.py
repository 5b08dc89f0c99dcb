#!/usr/bin/env python3
"""LightFM WARP d 64 on vitrina-bench-trainer-scale's generated set: s/epoch with 1 and 2 threads,
peak RSS, and with --quality P@10 / AUC on the bench's sampled test users.

The set comes from `vitrina-bench-trainer-scale --write-dataset DIR` (the format is in
bench/trainer/scale_dataset_files.h); its train positives become one float32 COO matrix in the
order the Vitrina bench hands them to Model::Fit. Hyperparameters are the Vitrina bench's: WARP,
no_components 64, adagrad, learning_rate 0.05, max_sampled 10, random_state 1. Each thread count
gets a fresh model and `--epochs` single-epoch fit_partial calls (LightFM builds its positives CSR
and shuffle order inside every epoch, so each call is one epoch's whole cost); wall and CPU seconds
of each, with the load average, since the machine may be shared. The peak RSS is getrusage's
ru_maxrss of this process, its input arrays included, like the Vitrina bench's VmHWM.

--quality scores the first thread count's model after its epochs with LightFM's own
precision_at_k and auc_score (k 10, the sampled users' train entries excluded from their
rankings), the quality the Vitrina bench prints for the same users (its evaluation follows
LightFM's predict_rank), so the two trainers are compared on one test sample.

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


def load_test(folder, shape):
    import numpy as np
    import scipy.sparse as sp

    def matrix(users_file, items_file):
        rows = read_ints(folder, users_file)
        cols = read_ints(folder, items_file)
        return sp.coo_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape).tocsr()

    return matrix("test_users.i32", "test_items.i32"), matrix("test_train_users.i32", "test_train_items.i32")


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
    parser.add_argument("--quality", action="store_true",
                        help="P@10 and AUC of the first thread count's model on the sampled test users")
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
    quality = []
    print("| threads | epoch | s/epoch | CPU s/epoch | load average |\n|---|---|---|---|---|")
    for threads in args.threads:
        model = LightFM(no_components=args.components, loss="warp", learning_schedule="adagrad",
                        learning_rate=0.05, max_sampled=10, random_state=1)
        for epoch in range(args.epochs):
            wall, cpu = time.perf_counter(), time.process_time()
            model.fit_partial(train, epochs=1, num_threads=threads)
            print(f"| {threads} | {epoch + 1} | {time.perf_counter() - wall:.2f} | "
                  f"{time.process_time() - cpu:.2f} | {load_average()} |", flush=True)
        if args.quality and threads == args.threads[0]:
            quality.append((threads, model_quality(model, args.data, train.shape, threads)))
        del model
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"\npeak RSS {peak:.0f} MiB (ru_maxrss; VmHWM {rss_mib('VmHWM'):.0f} MiB)")
    for threads, (users, precision, auc) in quality:
        print(f"quality after {args.epochs} epoch(s), {threads} thread(s), {users} test users: "
              f"P@10 {precision:.4f}, AUC {auc:.4f}")


def model_quality(model, folder, shape, threads):
    """P@10 and AUC of `model` on the sampled test users, as LightFM's precision_at_k(k=10) and
    auc_score compute them with train_interactions given: each user's train entries are left out
    of the ranking; AUC is the share of (test positive, other title) pairs the model orders right,
    per user, then averaged. Scored here from the model's embeddings and biases (identity
    features, so a row is the entity's own), so any LightFM build will do, also one without
    lightfm.evaluation or predict_rank."""
    import numpy as np

    del threads  # numpy's BLAS does the work
    test, test_train = load_test(folder, shape)
    items = model.item_embeddings.astype(np.float64)
    item_biases = model.item_biases.astype(np.float64)
    precisions, aucs = [], []
    for user in np.flatnonzero(test.getnnz(axis=1) > 0):
        scores = items @ model.user_embeddings[user].astype(np.float64) + item_biases
        scores[test_train.indices[test_train.indptr[user]:test_train.indptr[user + 1]]] = -np.inf
        positives = test.indices[test.indptr[user]:test.indptr[user + 1]]
        top = np.argpartition(-scores, 10)[:10]
        precisions.append(np.isin(top, positives).sum() / 10)
        train_count = test_train.indptr[user + 1] - test_train.indptr[user]
        negatives = len(scores) - len(positives) - train_count
        positive_scores = np.sort(scores[positives])
        # Titles scored above each positive, minus the positives among them: negatives ranked above.
        above = np.array([(scores > score).sum() for score in positive_scores]) - np.arange(len(positives))[::-1]
        aucs.append(float(np.mean(1 - above / negatives)) if negatives > 0 else 0.5)
    return len(precisions), float(np.mean(precisions)), float(np.mean(aucs))

if __name__ == "__main__":
    main()
