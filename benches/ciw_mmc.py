"""Ciw on the M/M/c queue of benches/simulate.rs: λ = 9, μ = 1, c = 10,
until time 20,000. Prints one line: customers served and the seconds the
simulation itself took (interpreter start-up and import excluded).

    pip install ciw==3.2.7
    python3 benches/ciw_mmc.py SEED
"""

import sys
import time

import ciw

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
network = ciw.create_network(
    arrival_distributions=[ciw.dists.Exponential(rate=9)],
    service_distributions=[ciw.dists.Exponential(rate=1)],
    number_of_servers=[10],
)
ciw.seed(seed)
sim = ciw.Simulation(network)
start = time.perf_counter()
sim.simulate_until_max_time(20000)
seconds = time.perf_counter() - start
print(len(sim.get_all_records()), seconds)
