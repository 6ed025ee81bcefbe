"""The pipeline manifest (``copilot/pipelines/<name>/manifest.yml``, selected by ``version``).

Sources: Copilot's ``internal/pkg/manifest/pipeline.go`` and ``validate.go`` (aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import L_PIPELINE, b_like, doc, obj, s_like, str_list


def pipeline_def() -> dict[str, Any]:
    pl = L_PIPELINE
    dep_on = str_list("Names of deployments in this stage that must finish first.", f"{pl}#stages")
    deployment = doc(
        "A deployment of the stage (`null` uses the defaults).",
        f"{pl}#stages-deployments",
        obj(
            {
                "stack_name": s_like("Name of the CloudFormation stack.", f"{pl}#stages-deployments"),
                "template_path": s_like(
                    "Path of the CloudFormation template in the build output.", f"{pl}#stages-deployments"
                ),
                "template_config": s_like(
                    "Path of the template configuration file.", f"{pl}#stages-deployments"
                ),
                "depends_on": dep_on,
            },
            nullable=True,
        ),
    )
    action = doc(
        "A pre- or post-deployment action.",
        f"{pl}#stages-predeployments",
        obj(
            {
                "buildspec": s_like("Path of the buildspec of the action.", f"{pl}#stages-predeployments"),
                "depends_on": dep_on,
            },
            nullable=True,
        ),
    )
    stage = obj(
        {
            "name": s_like("Name of the environment of the stage.", f"{pl}#stages-name"),
            "requires_approval": b_like(
                "Whether a manual approval is required before deploying.", f"{pl}#stages-requires-approval"
            ),
            "test_commands": str_list("Commands run after the deployment.", f"{pl}#stages-test-commands"),
            "deployments": doc(
                "Deployments of the stage, keyed by name.",
                f"{pl}#stages-deployments",
                {"type": "object", "additionalProperties": deployment},
            ),
            "pre_deployments": doc(
                "Actions before the deployments.",
                f"{pl}#stages-predeployments",
                {"type": "object", "additionalProperties": action},
            ),
            "post_deployments": doc(
                "Actions after the deployments.",
                f"{pl}#stages-postdeployments",
                {"type": "object", "additionalProperties": action},
            ),
        },
    )
    providers = ["GitHub", "GitHubV1", "CodeCommit", "Bitbucket"]
    return doc(
        "Pipeline manifest (`copilot/pipelines/<name>/manifest.yml`): no `type`, `version: 1`.",
        pl,
        obj(
            {
                "name": s_like("Name of the pipeline (at most 100 characters).", pl),
                "version": doc(
                    "Schema version of the pipeline manifest; must be 1.", pl, {"enum": [1]}, default=1
                ),
                "source": doc(
                    "Source repository of the pipeline.",
                    f"{pl}#source",
                    obj(
                        {
                            "provider": s_like(
                                "Source provider: `GitHub` (through a CodeStar connection), `GitHubV1` (a "
                                "personal access token, legacy), `CodeCommit` or `Bitbucket`. Copilot checks the "
                                "word only when it deploys the pipeline (the checker's X-pipeline-provider).",
                                f"{pl}#source-provider",
                                examples=providers,
                            ),
                            "properties": doc(
                                "Provider properties such as `repository`, `branch`, `connection_name`, "
                                "`access_token_secret`, `output_artifact_format` (free-form).",
                                f"{pl}#source-properties",
                                {
                                    "type": "object",
                                    "properties": {
                                        "repository": doc("URL or name of the repository.", f"{pl}#source"),
                                        "branch": doc("Branch to track.", f"{pl}#source"),
                                    },
                                },
                            ),
                        }
                    ),
                ),
                "build": doc(
                    "CodeBuild project of the pipeline's build stage.",
                    f"{pl}#build",
                    obj(
                        {
                            "image": s_like("CodeBuild image.", f"{pl}#build-image"),
                            "buildspec": s_like("Path of a custom buildspec.", f"{pl}#build-buildspec"),
                            "additional_policy": doc(
                                "Additional IAM policy for the build role.",
                                f"{pl}#build-additional-policy",
                                obj(
                                    {
                                        "PolicyDocument": doc(
                                            "An IAM policy document (any YAML value: Copilot passes it on).",
                                            f"{pl}#build-additional-policy",
                                            {},
                                        )
                                    }
                                ),
                            ),
                        }
                    ),
                ),
                "stages": doc(
                    "Ordered stages (environments) of the pipeline.",
                    f"{pl}#stages",
                    {"type": "array", "items": stage},
                ),
            },
            required=["version"],
        ),
    )
