"""Names completion takes from the rest of the workspace: environments, topics and the services
publishing them. Plain data the shell builds from its workspace model (the features do not import
it), with where each name comes from, shown in the completion's detail."""

from __future__ import annotations

from dataclasses import dataclass

from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY, split_environment

PathPart = str | int


@dataclass(frozen=True)
class WorkspaceNames:
    environments: tuple[tuple[str, str], ...] = ()
    """``(environment, its manifest's path under copilot/)``."""
    topics: tuple[tuple[str, str, str], ...] = ()
    """``(topic, the service publishing it, that service's manifest path)``."""


def names_at(
    role: str, path: tuple[PathPart, ...], siblings: tuple[str, ...], names: WorkspaceNames
) -> list[tuple[str, str]]:
    """``(name, detail)`` pairs the workspace offers at ``path``; none where it knows nothing."""
    if role == "key" and path == (ENVIRONMENTS_KEY,):
        return [
            (env, f"environment · copilot/{rel}") for env, rel in names.environments if env not in siblings
        ]
    if role not in ("value", "item"):
        return []
    if len(path) == 3 and path[0] == "stages" and isinstance(path[1], int) and path[2] == "name":
        return [(env, f"environment · copilot/{rel}") for env, rel in names.environments]
    inner = split_environment(path)[1]
    if len(inner) == 4 and inner[:2] == ("subscribe", "topics") and isinstance(inner[2], int):
        if inner[3] == "name":
            return [(topic, f"topic of {service} · copilot/{rel}") for topic, service, rel in names.topics]
        if inner[3] == "service":
            publishers: dict[str, list[str]] = {}
            origin: dict[str, str] = {}
            for topic, service, rel in names.topics:
                publishers.setdefault(service, []).append(topic)
                origin[service] = rel
            return [
                (service, f"publishes {', '.join(topics)} · copilot/{origin[service]}")
                for service, topics in publishers.items()
            ]
    return []
