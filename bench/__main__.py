"""Run every bench in this folder in turn: `python -m bench [name …]`.

A bench is a module `bench/<name>.py` with a `main()` returning an exit code
(runnable alone as `python -m bench.<name>`); modules starting with "_" are
helpers. Each bench runs in its own process, so that each can point Django at
its own fresh database. ORDER puts the known ones first; new ones follow in
alphabetical order without being listed.
"""

import pkgutil
import subprocess
import sys
import time
from pathlib import Path

ORDER = ("rollup", "exports", "load")


def benches():
    found = [
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_")
    ]
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(found, key=lambda name: (rank.get(name, len(ORDER)), name))


def main(argv):
    available = benches()
    chosen = argv or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"Unknown bench: {', '.join(unknown)} (available: {', '.join(available)})")
        return 2
    outcomes = []
    for name in chosen:
        print(f"\n=== bench.{name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode
        outcomes.append((name, code, time.perf_counter() - start))
    print("\n=== benches ===")
    for name, code, seconds in outcomes:
        print(f"{name:<10} {'ok' if code == 0 else f'FAILED ({code})':<12} {seconds:6.0f} s")
    return 0 if all(code == 0 for _name, code, _s in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
