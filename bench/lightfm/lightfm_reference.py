#!/usr/bin/env python3
"""LightFM's own figures on MovieLens 100k, the way vitrina-bench-trainer measures Vitrina.

Same protocol as the issue's reference table and as `vitrina-bench-trainer`: ua.base / ua.test,
rating >= 4 (the steps of lightfm.datasets.movielens, without its download), lr 0.05, adagrad,
max_sampled 10, 30 epochs, P@10 / R@10 / AUC with the train interactions excluded, mean over
random_state FIRST..FIRST+N-1 (the reference used 42..46); s/epoch is the median of 30
single-epoch fit_partial calls on a fresh model.

Needs numpy, scipy and LightFM (`pip install lightfm==1.17`, or a source build given with
--lightfm-path). Debian 12 packages LightFM nowhere, so this is not part of the test suite.
"""
import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

SETTINGS = [  # loss, no_components, threads: the rows of the table
    ("warp", 30, 1), ("warp", 30, 2), ("bpr", 30, 1), ("warp-kos", 30, 1), ("logistic", 30, 1), ("warp", 64, 1),
]


def parse(path):
    for line in Path(path).read_text().splitlines():
        if line:
            user, item, rating, _ = (int(x) for x in line.split("\t"))
            yield user - 1, item - 1, rating


def load(folder, min_rating=4):
    import numpy as np
    import scipy.sparse as sp

    train_rows, test_rows = list(parse(f"{folder}/ua.base")), list(parse(f"{folder}/ua.test"))
    n_users = 1 + max(u for u, _, _ in itertools.chain(train_rows, test_rows))
    n_items = 1 + max(i for _, i, _ in itertools.chain(train_rows, test_rows))

    def matrix(rows):
        kept = [(u, i, r) for u, i, r in rows if r >= min_rating]
        users, items, ratings = zip(*kept)
        return sp.coo_matrix((np.array(ratings, dtype=np.int32), (users, items)), shape=(n_users, n_items))

    return matrix(train_rows), matrix(test_rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2].parent / "shared/data/ml-100k"))
    parser.add_argument("--lightfm-path", help="folder holding a built lightfm package (else the installed one)")
    parser.add_argument("--first-seed", type=int, default=42)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="one JSON object per row instead of the table")
    args = parser.parse_args()
    if args.lightfm_path:
        sys.path.insert(0, args.lightfm_path)
    try:
        import lightfm
        from lightfm import LightFM
        from lightfm.evaluation import auc_score, precision_at_k, recall_at_k
    except ImportError as error:
        sys.exit(f"LightFM is not importable ({error}): pip install lightfm==1.17, or --lightfm-path")

    train, test = load(args.data)
    print(f"reproduce: {' '.join(sys.argv)}\nLightFM {lightfm.__version__}, seeds "
          f"{args.first_seed}..{args.first_seed + args.seeds - 1}, {args.epochs} epochs\n")
    if not args.json:
        print("| loss | d | threads | P@10 | R@10 | AUC | s/epoch (median) |\n|---|---|---|---|---|---|---|")
    for loss, components, threads in SETTINGS:
        def model(seed):
            return LightFM(loss=loss, no_components=components, learning_rate=0.05, random_state=seed)

        figures = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            m = model(seed)
            m.fit(train, epochs=args.epochs, num_threads=threads)
            figures.append([metric(m, test, train_interactions=train, **extra).mean() for metric, extra in
                            ((precision_at_k, {"k": 10}), (recall_at_k, {"k": 10}), (auc_score, {}))])
        m, times = model(args.first_seed), []
        for _ in range(args.epochs):
            start = time.perf_counter()
            m.fit_partial(train, epochs=1, num_threads=threads)
            times.append(time.perf_counter() - start)
        p, r, a = (statistics.mean(column) for column in zip(*figures))
        row = dict(loss=loss, d=components, threads=threads, precision_at_k=p, recall_at_k=r, auc=a,
                   seconds_per_epoch=statistics.median(times))
        print(json.dumps(row) if args.json else
              f"| {loss} | {components} | {threads} | {p:.4f} | {r:.4f} | {a:.4f} | {row['seconds_per_epoch']:.4f} |",
              flush=True)


if __name__ == "__main__":
    main()
