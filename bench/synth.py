"""Bench: how long `tuijin synth` takes (same process, timed), recorded as JSON.

    TUIJIN_DATABASE_URL=… python bench/synth.py --label pg-100000 --projects 100000
"""

import argparse
import time

from common import counts, load1, setup_django, vendor, write_result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--projects", type=int, required=True)
    ap.add_argument("--cities", type=int, default=13)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    setup_django()
    from django.core.management import call_command

    load_before = load1()
    t0 = time.perf_counter()
    call_command("synth", projects=args.projects, cities=args.cities, seed=args.seed, reset=True, progress=True)
    seconds = round(time.perf_counter() - t0, 1)
    data = {"label": args.label, "database": vendor(), "seconds": seconds, "counts": counts(),
            "load_before": load_before, "load_after": load1()}
    print(f"synth [{args.label}] {args.projects:,} projects on {vendor()}: {seconds} s (load {load_before}→"
          f"{data['load_after']})")
    write_result(f"synth-{args.label}", data)


if __name__ == "__main__":
    main()
