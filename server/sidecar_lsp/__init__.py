"""sidecar-lsp: editor intelligence for AWS Copilot manifests."""

__version__ = "0.1.0"
"""The one place the version is written (``pyproject.toml`` reads it; ``importlib.metadata`` costs start-up time)."""
