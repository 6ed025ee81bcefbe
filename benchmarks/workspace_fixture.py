"""The Copilot workspace the workspace benchmarks write: environments, a pipeline, services that
publish topics and workers subscribed to them (one service in ten has a worker)."""

from __future__ import annotations

from pathlib import Path

ENVIRONMENTS = ("dev", "test", "staging", "prod")

SERVICE = """name: svc{i}
type: Load Balanced Web Service
image:
  build: Dockerfile
  port: 8080
  depends_on:
    proxy: start
http:
  path: /svc{i}
  target_container: proxy
cpu: 256
memory: 512
count:
  range: 1-10
  cpu_percentage: 70
variables:
  STAGE: ${{COPILOT_ENVIRONMENT_NAME}}
  LOG_LEVEL: info
secrets:
  DB_PASSWORD: /copilot/bench/${{COPILOT_ENVIRONMENT_NAME}}/secrets/db
sidecars:
  proxy:
    image: envoy
    port: 9901
    mount_points:
      - source_volume: data
        path: /data
storage:
  volumes:
    data:
      path: /data
      efs: true
publish:
  topics:
    - name: events{i}
environments:
  prod:
    count: 3
  stagng:
    cpu: 512
"""
WORKER = """name: worker{i}
type: Worker Service
image:
  location: worker
subscribe:
  topics:
    - name: events{i}
      service: svc{i}
"""
PIPELINE = (
    "name: release\nversion: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: x\nstages:\n"
    + "".join(f"  - name: {env}\n" for env in ENVIRONMENTS)
)


def write(base: Path, services: int, workers: int) -> Path:
    """``services`` services and ``workers`` workers under ``base/copilot``; returns the copilot folder."""
    root = base / "copilot"
    files = {".workspace": "application: bench\n", "pipelines/release/manifest.yml": PIPELINE}
    files.update({f"environments/{e}/manifest.yml": f"name: {e}\ntype: Environment\n" for e in ENVIRONMENTS})
    files.update({f"svc{i}/manifest.yml": SERVICE.format(i=i) for i in range(services)})
    files.update({f"worker{i}/manifest.yml": WORKER.format(i=i) for i in range(workers)})
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
