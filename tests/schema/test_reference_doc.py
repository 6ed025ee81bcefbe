"""``docs/manifest-reference.md`` is generated from the schema and must be up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_reference_doc_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_reference", REPO / "scripts" / "gen_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (REPO / "docs" / "manifest-reference.md").read_text(encoding="utf-8")
    assert module.render() == current, (
        "docs/manifest-reference.md is stale: run `python scripts/gen_reference.py`"
    )


def test_reference_doc_covers_sidecar_and_logging_fields() -> None:
    text = (REPO / "docs" / "manifest-reference.md").read_text(encoding="utf-8")
    for field in (
        "sidecars.<name>.mount_points[].read_only",
        "logging.enableMetadata",
        "storage.volumes.<name>.efs.root_dir",
        "image.healthcheck.start_period",
    ):
        assert f"`{field}`" in text
    assert "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable" in text
