"""A bare validator, to time beside `check`: it reads each manifest, loads it with ruamel.yaml's own loader
(on libyaml's parser) and asks jsonschema-rs whether it is valid against this project's schema.

Run: .venv/bin/python benchmarks/bare_validate.py [--jobs N] FILE...

It finds no position, reports nothing, merges no environment and runs no cross-field or workspace rule:
`bench_check_throughput.py` times it on the same files in the same rounds as `check`, to show what starting
Python, loading a YAML library and a schema, and validating cost on this machine that day. It is no lower
bound: ruamel's loader is slower than this project's composer. ``--jobs N`` splits the files between this
process and N - 1 forked ones, which start once the imports and the compiled schema are ready, as `check`'s
workers do.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

SCHEMA = Path(__file__).resolve().parents[1] / "schema" / "copilot-manifest.schema.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    import jsonschema_rs
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))
    files, jobs = args.files, max(1, args.jobs)

    def load_and_judge(share: list[str]) -> int:
        loader = YAML(typ="safe", pure=False)
        valid = 0
        for file in share:
            with open(file, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            with contextlib.suppress(YAMLError, ValueError):  # not YAML, or no JSON (a date, a set)
                valid += validator.is_valid(loader.load(text))
        return valid

    workers = []
    for job in range(1, jobs):
        pid = os.fork()
        if pid == 0:
            load_and_judge(files[job::jobs])
            os._exit(0)
        workers.append(pid)
    load_and_judge(files[::jobs])
    for pid in workers:
        os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
