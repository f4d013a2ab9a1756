"""Runs Ciw (https://github.com/CiwPython/Ciw) on the M/M/c queues that
tests/simulation_theory checks switchboard's simulator on, and writes what
Ciw measured to ciw_mmc.json beside this file.

    pip install ciw==3.2.7
    python3 tests/simulation_theory/ciw_mmc.py

Times are in minutes (handle time mean 1). For each case and seed: the
customers who arrived after the warm-up, their mean wait in queue, the
share who waited at all, the share who waited longer than each threshold,
and, with patience, the share who gave up.
"""

import json
import os
import time

import ciw

CASES = [
    # arrivals a minute, agents, mean patience (minutes) or None, seeds,
    # minutes measured after the warm-up: as in main.rs
    {"name": "c2_a1", "lam": 1.0, "c": 2, "patience": None, "seeds": 16, "minutes": 40000},
    {"name": "c5_a3", "lam": 3.0, "c": 5, "patience": None, "seeds": 6, "minutes": 45000},
    {"name": "c4_a4_patience2", "lam": 4.0, "c": 4, "patience": 2.0, "seeds": 4, "minutes": 10000},
    {"name": "c10_a9_patience5", "lam": 9.0, "c": 10, "patience": 5.0, "seeds": 4, "minutes": 10000},
]
WARMUP = 500.0
THRESHOLDS = [10 / 60, 20 / 60, 1.0]


def run(case, seed):
    kw = {}
    if case["patience"] is not None:
        kw["reneging_time_distributions"] = [
            ciw.dists.Exponential(rate=1.0 / case["patience"])
        ]
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=case["lam"])],
        service_distributions=[ciw.dists.Exponential(rate=1.0)],
        number_of_servers=[case["c"]],
        **kw,
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    start = time.perf_counter()
    sim.simulate_until_max_time(WARMUP + case["minutes"])
    seconds = time.perf_counter() - start
    records = [r for r in sim.get_all_records() if r.arrival_date >= WARMUP]
    served = [r for r in records if r.record_type == "service"]
    reneged = [r for r in records if r.record_type == "renege"]
    waits = [r.waiting_time for r in served]
    n = len(served) + len(reneged)
    return {
        "seed": seed,
        "customers": n,
        "served": len(served),
        "abandoned": len(reneged),
        "abandoned_share": len(reneged) / n,
        "mean_wait_min": sum(waits) / len(waits),
        "p_wait_served": sum(1 for w in waits if w > 0) / len(waits),
        "p_wait_over": {f"{t * 60:g}s": sum(1 for w in waits if w > t) / len(waits) for t in THRESHOLDS},
        "seconds": seconds,
    }


def main():
    out = {"ciw": ciw.__version__, "warmup_min": WARMUP, "cases": {}}
    for case in CASES:
        runs = [run(case, s) for s in range(1, case["seeds"] + 1)]
        out["cases"][case["name"]] = {"case": case, "runs": runs}
        print(case["name"], "done")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ciw_mmc.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
