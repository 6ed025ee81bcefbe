"""What deploying one environment meets: the first error Copilot reports for it, or None.

Copilot evaluates each environment from scratch (the base merged with that environment's override) and
stops at its first error. Of a document's findings, an environment meets those that apply to it: every
environment's, those whose scope names it, a base problem its override does not fix, and a value written
under its own ``environments.<env>`` that decodes but is refused (:func:`.validate.override_environment`:
one written under another environment's override is that environment's problem alone).
"""

from __future__ import annotations

from collections.abc import Iterable

from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.check.validate import override_environment
from sidecar_lsp.core.decoding.interpolation import ENV_NAME_VARIABLE, substitute
from sidecar_lsp.core.manifest.merge import environment_names
from sidecar_lsp.core.model import Finding, Reach, Severity
from sidecar_lsp.core.yaml.tree import parse


def meets(finding: Finding, env: str, overridden: bool) -> bool:
    """Whether deploying ``env`` (``overridden``: the manifest has an override for it) meets ``finding``."""
    reach = finding.scope.reach
    if reach is Reach.EVERY:
        written_for = override_environment(finding)
        return written_for is None or written_for == env
    if env in finding.scope.environments:
        return True
    return reach in (Reach.WITHOUT_OVERRIDE, Reach.WITHOUT_OVERRIDE_AND_NAMED) and not overridden


def first_error(findings: Iterable[Finding], env: str, overridden: bool) -> Finding | None:
    """The first error deploying ``env`` meets, in the document's order; None when it deploys."""
    return next((f for f in findings if f.severity is Severity.ERROR and meets(f, env, overridden)), None)


def deploy_refusal(text: str, env: str, options: Options | None = None) -> str | None:
    """Why Copilot refuses to deploy ``text`` to ``env`` (``line N: problem``), or None.

    An environment without an override deploys the base under its own name: the checks, which cannot
    know that name, judge the base's ``${COPILOT_ENVIRONMENT_NAME}`` as any name; here it is known.
    """
    overridden = env in environment_names(parse(text).root)
    if not overridden:
        text = substitute(text, {ENV_NAME_VARIABLE: env})  # on one line: the lines stay where they are
    found = first_error(analyze(text, options or Options(assume_manifest=True)).findings, env, overridden)
    return None if found is None else f"line {found.span.start.line + 1}: {found.problem}"
