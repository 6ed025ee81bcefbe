"""Generate realistic Load Balanced Web Service manifests of a given length (for benchmarks and tests)."""

from __future__ import annotations

HEADER = """# The manifest for the "{name}" service.
name: {name}
type: Load Balanced Web Service

image:
  build: ./Dockerfile
  port: 8080
  depends_on:
    sidecar0: start

http:
  path: '/'
  healthcheck:
    path: /health
    healthy_threshold: 3
  target_container: sidecar0

cpu: 256
memory: 512
count: 1
exec: true

logging:
  destination:
    Name: cloudwatch
    region: us-west-2

storage:
  volumes:
"""

VOLUME = """    vol{i}:
      path: /data/vol{i}
      read_only: false
      efs:
        id: fs-{i:08d}
        root_dir: /srv/{i}
"""

SIDECAR = """  sidecar{i}:
    image: public.ecr.aws/nginx/nginx:{i}
    port: {port}
    essential: {essential}
    variables:
      NGINX_PORT: {port}
      LOG_LEVEL: info
{named}    mount_points:
      - source_volume: vol{v}
        path: /etc/mount{i}
        read_only: true
    depends_on:
      {name}: start
    healthcheck:
      command: ["CMD-SHELL", "curl -f http://localhost:{port}/ || exit 1"]
      interval: 10s
      retries: 2
"""

ENV = """  env{i}:
    count: {count}
    variables:
      STAGE: env{i}
    sidecars:
      sidecar0:
        port: 9{i:03d}
"""


NAMED = "      STAGE: ${COPILOT_ENVIRONMENT_NAME}\n"
"""A variable naming the environment, as many manifests give their containers."""


def generate(lines: int, name: str = "api", *, named: bool = False) -> str:
    """A valid manifest of about ``lines`` lines: volumes, sidecars and environments grow with size; ``name``
    is the service's, which its sidecars depend on; ``named``: each sidecar also has :data:`NAMED`."""
    n = max(1, lines // 30)
    out = [HEADER.format(name=name)]
    out.extend(VOLUME.format(i=i) for i in range(n))
    out.append("\nsidecars:\n")
    body = "".join(out)
    i = 0
    sidecars: list[str] = []
    envs: list[str] = []
    while (body.count("\n") + sum(s.count("\n") for s in sidecars + envs)) < lines - 8:
        sidecars.append(
            SIDECAR.format(
                i=i,
                port=9000 + i,
                essential="false" if i else "true",
                v=i % n,
                name=name,
                named=NAMED if named else "",
            )
        )
        if i % 4 == 3:
            envs.append(ENV.format(i=i, count=1 + i % 5))
        i += 1
    text = (
        body
        + "".join(sidecars)
        + "\nenvironments:\n"
        + ("".join(envs) if envs else "  test:\n    count: 2\n")
    )
    return text


if __name__ == "__main__":
    import sys

    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
