"""The task definition as a document: what ``render --task-definition`` prints and the editor shows.

One composition for both shells: Copilot's refusal first (the first error deploying that environment
meets, which the shell asks the checks for: Copilot reports its first error and deploys nothing), then
the resource
(:func:`.taskdef.task_definition`) as ``RegisterTaskDefinition`` JSON with its placeholders
(:func:`.taskdef_register.register_shape`) or as the CloudFormation resource. The shell runs the checks
and passes their answer, so this module stays below them. Never raises.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sidecar_lsp.core.manifest.taskdef import TaskInputs, task_definition
from sidecar_lsp.core.manifest.taskdef_register import register_shape

CLOUDFORMATION_NOTE = 'the intrinsics ({"Ref": …}, {"Fn::GetAtt": …}) are Copilot\'s stack\'s own'


@dataclass(frozen=True)
class TaskDefinitionDocument:
    text: str
    """The JSON (ending with a newline), or "" with a ``problem``."""
    placeholders: list[str] = field(default_factory=list)
    """``<<name>>: what to put there``, once each (or what the CloudFormation intrinsics are)."""
    problem: str | None = None
    """Why Copilot renders nothing for this environment, in Copilot's words."""


def task_definition_document(
    text: str,
    inputs: TaskInputs,
    refusal: str | None,
    images: dict[str, str] | None = None,
    *,
    cloudformation: bool = False,
) -> TaskDefinitionDocument:
    """The task definition ``inputs.env`` deploys, as JSON: ``RegisterTaskDefinition`` input (``images``
    name the containers Copilot builds) or ``{"TaskDefinition": resource}``; ``refusal`` is why Copilot
    refuses to deploy that environment (:func:`sidecar_lsp.core.check.deploys.deploy_refusal`), if it does."""
    task = task_definition(text, inputs)
    if refusal is not None or task.resource is None:
        return TaskDefinitionDocument("", problem=refusal or task.problem or "Copilot renders nothing")
    if cloudformation:
        return TaskDefinitionDocument(
            json.dumps({"TaskDefinition": task.resource}, indent=2) + "\n", [CLOUDFORMATION_NOTE]
        )
    registered = register_shape(task, inputs, images or {}, task.image)
    return TaskDefinitionDocument(json.dumps(registered.definition, indent=2) + "\n", registered.placeholders)
