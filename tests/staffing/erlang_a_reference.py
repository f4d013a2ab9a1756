#!/usr/bin/env python3
"""Independent reference figures for Erlang A (M/M/N+M), written to
erlang_a_reference.json beside this file and read by tests/staffing/erlang_a.rs.

Run from the repository root (needs numpy only):

    python3 tests/staffing/erlang_a_reference.py

Each figure is computed by a method different from the crate's:

* the number in system: the balance equations pi Q = 0 of the birth-death
  chain (truncated far past its mass) solved as one dense linear system;
* P(wait) = sum of pi_n for n >= N; P(abandon) = theta * E[Q] / lambda
  (rate balance: abandonments per unit time over arrivals per unit time);
* service level (answered within t / all arrivals): the tagged customer's own
  absorbing Markov chain (i customers ahead -> i-1 at rate N mu + i theta,
  -> served from i = 0 at rate N mu, -> abandoned at rate theta), solved in
  time by uniformization (a Poisson mixture of powers of the jump matrix);
* share of arrivals who waited at most t (answered or gone by then): the same
  chain with both ends counted;
* mean wait of answered customers: E[T 1{served}] = (M^2 r)_j with
  M = (-S)^-1 the fundamental matrix of that chain and r its exit rates to
  "served", divided by P(answered).

A few cases are also simulated with Ciw (a discrete-event queueing library,
`pip install ciw`; seeded, about 200,000 arrivals each, standard errors by
batch means over 20 batches), as an end-to-end check of the definitions:
service level = answered within t / all arrivals. Without Ciw installed the
simulation rows are kept from the existing JSON.

Units: time in seconds; mu = 1/aht, theta = 1/patience, lambda = A mu.
"""
import json
import math
import os

import numpy as np


def stationary(lam, mu, theta, n, k):
    """pi over states 0..k from the truncated generator's balance equations."""
    q = np.zeros((k + 1, k + 1))
    for s in range(k + 1):
        if s < k:
            q[s, s + 1] = lam
        if s > 0:
            q[s, s - 1] = min(s, n) * mu + max(s - n, 0) * theta
        q[s, s] = -q[s].sum()
    a = q.T.copy()
    a[-1, :] = 1.0  # replace one balance equation by sum(pi) = 1
    b = np.zeros(k + 1)
    b[-1] = 1.0
    pi = np.linalg.solve(a, b)
    return np.clip(pi, 0.0, None)


def served_within(n, mu, theta, j_max, t, count_abandoned=False):
    """u[j] = P(served by time t | j ahead), by uniformization; with
    count_abandoned, P(served or gone by time t | j ahead)."""
    rates = n * mu + theta * np.arange(j_max + 1)  # advance rate with i ahead
    big = n * mu + (j_max + 1) * theta
    h = np.zeros(j_max + 1)  # P(in "served" after k jumps), start h_0 = 0
    lt = big * t
    kmax = int(lt + 12 * math.sqrt(lt) + 60)
    u = np.zeros(j_max + 1)
    for step in range(kmax + 1):
        w = math.exp(-lt + step * math.log(lt) - math.lgamma(step + 1)) if lt > 0 else (1.0 if step == 0 else 0.0)
        u += w * h
        nxt = (1 - (rates + theta) / big) * h
        nxt[0] += rates[0] / big * 1.0  # from 0 ahead to served (h=1 there)
        nxt[1:] += rates[1:] / big * h[:-1]
        if count_abandoned:
            nxt += theta / big
        h = nxt
    return u


def answered_mean_wait(n, mu, theta, j_max):
    """(P(served | j), E[T 1{served} | j]) from the fundamental matrix."""
    size = j_max + 1
    s = np.zeros((size, size))
    for i in range(size):
        s[i, i] = -(n * mu + i * theta + theta)
        if i > 0:
            s[i, i - 1] = n * mu + i * theta
    r = np.zeros(size)
    r[0] = n * mu
    m_r = np.linalg.solve(-s, r)
    m2_r = np.linalg.solve(-s, m_r)
    return m_r, m2_r


CASES = [
    # erlangs, agents, aht_s, patience_s
    (0.5, 1, 180, 60),
    (2.0, 1, 180, 300),
    (1.0, 2, 120, 30),
    (5.0, 3, 180, 120),
    (9.0, 10, 60, 60),
    (10.0, 10, 180, 120),
    (10.0, 14, 180, 600),
    (20.0, 15, 300, 100),
    (48.0, 55, 240, 180),
    (50.0, 50, 180, 180),
    (50.0, 40, 180, 60),
    (100.0, 95, 300, 180),
    (100.0, 110, 300, 600),
    (123.0, 130, 300, 240),
    (200.0, 190, 240, 60),
    (250.0, 260, 200, 400),
    (300.0, 280, 120, 120),
    (400.0, 380, 300, 900),
    (10.0, 12, 180, 18000),
    (3.0, 5, 600, 5),
    (1000.0, 1000, 180, 180),
    (1200.0, 1000, 300, 120),
]
THRESHOLDS = [0, 10, 20, 60, 300]


def case(erlangs, agents, aht, patience):
    mu, theta = 1.0 / aht, 1.0 / patience
    lam = erlangs * mu
    x = lam / theta
    j_mode = max(0.0, (lam - agents * mu) / theta)
    j_max = int(j_mode + 14 * math.sqrt(x + 1) + 120)
    k = agents + j_max
    pi = stationary(lam, mu, theta, agents, k)
    assert pi[-1] < 1e-14, (erlangs, agents, pi[-1])
    queue = pi[agents:]
    js = np.arange(len(queue))
    p_wait = float(queue.sum())
    p_abandon = float(theta * (js * queue).sum() / lam)
    busy = float((np.minimum(np.arange(k + 1), agents) * pi).sum())
    m_r, m2_r = answered_mean_wait(agents, mu, theta, j_max)
    answered = float(pi[:agents].sum() + (queue * m_r).sum())
    asa = float((queue * m2_r).sum() / answered)
    sl, done = {}, {}
    for t in THRESHOLDS:
        u = served_within(agents, mu, theta, j_max, float(t))
        sl[str(t)] = float(pi[:agents].sum() + (queue * u).sum())
        u = served_within(agents, mu, theta, j_max, float(t), count_abandoned=True)
        done[str(t)] = float(pi[:agents].sum() + (queue * u).sum())
    return {
        "erlangs": erlangs,
        "agents": agents,
        "aht_s": aht,
        "patience_s": patience,
        "p_wait": p_wait,
        "p_abandon": p_abandon,
        "answered": answered,
        "occupancy": busy / agents,
        "mean_queue": float((js * queue).sum()),
        "asa_answered_s": asa,
        "service_level": sl,
        "waited_at_most": done,
        "states": k + 1,
    }


SIMULATED = [
    # erlangs, agents, aht_s, patience_s, threshold_s
    (10.0, 10, 180, 120, 20),
    (50.0, 45, 180, 60, 20),
    (5.0, 3, 180, 300, 30),
]


def simulate(erlangs, agents, aht, patience, t, arrivals=200_000, batches=20):
    import ciw

    ciw.seed(2024)
    mu, theta = 1.0 / aht, 1.0 / patience
    lam = erlangs * mu
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(lam)],
        service_distributions=[ciw.dists.Exponential(mu)],
        number_of_servers=[agents],
        reneging_time_distributions=[ciw.dists.Exponential(theta)],
    )
    sim = ciw.Simulation(net)
    warm, end = 100 * aht, 100 * aht + arrivals / lam
    sim.simulate_until_max_time(end + 50 * aht)
    recs = [r for r in sim.get_all_records() if warm <= r.arrival_date < end]
    width = (end - warm) / batches
    stats = {"p_wait": [], "p_abandon": [], "service_level": []}
    for b in range(batches):
        batch = [r for r in recs if warm + b * width <= r.arrival_date < warm + (b + 1) * width]
        n = len(batch)
        stats["p_wait"].append(sum(r.waiting_time > 0 for r in batch) / n)
        stats["p_abandon"].append(sum(r.record_type == "renege" for r in batch) / n)
        stats["service_level"].append(
            sum(r.record_type == "service" and r.waiting_time <= t for r in batch) / n
        )
    row = {"erlangs": erlangs, "agents": agents, "aht_s": aht, "patience_s": patience,
           "threshold_s": t, "arrivals": len(recs)}
    for k, v in stats.items():
        mean = sum(v) / batches
        se = math.sqrt(sum((x - mean) ** 2 for x in v) / (batches - 1) / batches)
        row[k] = mean
        row[k + "_se"] = se
    return row


def main():
    rows = [case(*c) for c in CASES]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "erlang_a_reference.json")
    try:
        import ciw

        simulated = [simulate(*c) for c in SIMULATED]
        ciw_version = ciw.__version__
    except ImportError:
        with open(path) as f:
            kept = json.load(f)
        simulated, ciw_version = kept["ciw_simulation"], kept["ciw_version"]
    out = {
        "provenance": "tests/staffing/erlang_a_reference.py (numpy "
        + np.__version__
        + "): balance equations solved as a linear system, P(abandon) = theta E[Q]/lambda, "
        "service level by uniformization of the tagged customer's chain, answered mean wait "
        "from its fundamental matrix",
        "rows": rows,
        "ciw_version": ciw_version,
        "ciw_simulation": simulated,
    }
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"{len(rows)} rows -> {path}")


if __name__ == "__main__":
    main()
