#!/usr/bin/env python3
"""Solves an instance written by `cargo run --release --example solve_planning -- write ...`
with PySAL spopt + CBC (from pulp) on the very same distance matrix, for side-by-side figures.

Not part of the build or of CI. Install once with `pip install spopt pulp` (CBC ships inside
pulp), then:

    python3 examples/solve_spopt.py DIR mclp --p 10 --radius 1000
    python3 examples/solve_spopt.py DIR lscp --radius 1000
    python3 examples/solve_spopt.py DIR pmedian --p 5
    python3 examples/solve_spopt.py DIR pcenter --p 5

DIR holds demand.geojson (property `pop`), candidates.geojson and matrix.csv
(`demand_id,candidate_id,cost`, every pair). For LSCP, demand no candidate can cover is left
out (as schoolplan does). Prints one JSON object: objective, status, the
selected candidate ids, `build_seconds` (model construction), `solve_seconds` (CBC) and
`seconds` (wall time of the whole script after the imports, reading included), plus the
process CPU seconds.
"""

import argparse
import csv
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("problem", choices=["mclp", "lscp", "pmedian", "pcenter"])
    ap.add_argument("--p", type=int, default=0)
    ap.add_argument("--radius", type=float, default=0.0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    import numpy as np
    import pulp
    from spopt.locate import LSCP, MCLP, PCenter, PMedian

    t0 = time.time()
    c0 = time.process_time()
    with open(os.path.join(args.dir, "demand.geojson")) as f:
        demand = json.load(f)["features"]
    with open(os.path.join(args.dir, "candidates.geojson")) as f:
        cands = json.load(f)["features"]
    d_index = {str(ft["properties"]["id"]): k for k, ft in enumerate(demand)}
    c_index = {str(ft["properties"]["id"]): k for k, ft in enumerate(cands)}
    weights = np.array([float(ft["properties"]["pop"]) for ft in demand])
    big = 1e12
    cost = np.full((len(demand), len(cands)), big)
    with open(os.path.join(args.dir, "matrix.csv")) as f:
        rows = csv.reader(f)
        next(rows)
        for d, c, v in rows:
            cost[d_index[d], c_index[c]] = float(v)
    t_read = time.time()

    solver = pulp.PULP_CBC_CMD(msg=False, threads=args.threads)
    if args.problem == "mclp":
        model = MCLP.from_cost_matrix(cost, weights, args.radius, args.p)
    elif args.problem == "lscp":
        # spopt needs every demand coverable; schoolplan leaves the others out (reported
        # through `covered < total`), so drop them here too.
        coverable = cost.min(axis=1) <= args.radius
        model = LSCP.from_cost_matrix(cost[coverable], args.radius)
    elif args.problem == "pmedian":
        model = PMedian.from_cost_matrix(cost, weights, args.p)
    else:
        model = PCenter.from_cost_matrix(cost, args.p)
    t_build = time.time()
    model = model.solve(solver)
    t_solve = time.time()

    chosen = [
        str(cands[j]["properties"]["id"])
        for j in range(len(cands))
        if model.fac_vars[j].value() is not None and model.fac_vars[j].value() > 0.5
    ]
    out = {
        "problem": args.problem,
        "status": pulp.LpStatus[model.problem.status],
        "objective": pulp.value(model.problem.objective),
        "selected": sorted(chosen, key=lambda s: (len(s), s)),
        "read_seconds": t_read - t0,
        "build_seconds": t_build - t_read,
        "solve_seconds": t_solve - t_build,
        "seconds": t_solve - t0,
        "cpu_seconds_python": time.process_time() - c0,
    }
    # CBC runs as a child process: its CPU time is in the children's times.
    ch = os.times()
    out["cpu_seconds_children"] = ch.children_user + ch.children_system
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
