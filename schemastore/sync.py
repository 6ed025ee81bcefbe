#!/usr/bin/env python3
"""Mirror the schema fixtures into SchemaStore's test layout, or assemble a full submission tree.

    python schemastore/sync.py                 # refresh schemastore/src/{test,negative_test}/copilot-manifest/
    python schemastore/sync.py --check         # exit 1 when the mirrors are stale (tests/test_schemastore.py)
    python schemastore/sync.py --out DIR       # also write DIR/src/schemas/json/copilot-manifest.json, the tests
                                               # and print the catalog entry: DIR is a SchemaStore checkout

Each mirrored file is the fixture with one line added on top, the modeline that points editors at the
schema in SchemaStore's tree. The fixtures (tests/fixtures/schema/{valid,invalid}) stay the source.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NAME = "copilot-manifest"
SCHEMA = REPO / "schema" / "copilot-manifest.schema.json"
FIXTURES = REPO / "tests" / "fixtures" / "schema"
SCHEMASTORE_ID = f"https://www.schemastore.org/{NAME}.json"
MODELINE = f"# yaml-language-server: $schema=../../schemas/json/{NAME}.json\n"
LAYOUT = {"valid": Path("src/test") / NAME, "invalid": Path("src/negative_test") / NAME}


def mirrored() -> dict[Path, str]:
    """Relative path in SchemaStore's tree -> file content."""
    files: dict[Path, str] = {}
    for kind, target in LAYOUT.items():
        for fixture in sorted((FIXTURES / kind).glob("*.yml")):
            files[target / fixture.name] = MODELINE + fixture.read_text()
    return files


def stale(root: Path) -> list[str]:
    """What differs between the mirrors under ``root`` and the fixtures."""
    want = mirrored()
    problems = [
        str(p) for p, text in want.items() if not (root / p).is_file() or (root / p).read_text() != text
    ]
    for target in LAYOUT.values():
        for existing in sorted((root / target).glob("*")):
            if existing.relative_to(root) not in want:
                problems.append(f"{existing.relative_to(root)} (no such fixture)")
    return problems


def write(root: Path) -> None:
    for target in LAYOUT.values():
        folder = root / target
        folder.mkdir(parents=True, exist_ok=True)
        for existing in folder.glob("*.yml"):
            existing.unlink()
    for path, text in mirrored().items():
        (root / path).write_text(text)


def schema_for_schemastore() -> str:
    """The schema with the ``$id`` SchemaStore gives the files it hosts."""
    schema = json.loads(SCHEMA.read_text())
    schema["$id"] = SCHEMASTORE_ID
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report stale mirrors")
    parser.add_argument("--out", type=Path, help="a SchemaStore checkout to write the submission into")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale(HERE)
        for problem in problems:
            sys.stderr.write(f"stale: {problem}\n")
        return 1 if problems else 0
    write(HERE)
    if args.out:
        write(args.out)
        target = args.out / "src" / "schemas" / "json" / f"{NAME}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(schema_for_schemastore())
        sys.stdout.write((HERE / "catalog-entry.json").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
