"""sidecar-lsp: editor intelligence for AWS Copilot manifests."""

from importlib import metadata

try:
    __version__ = metadata.version("sidecar-lsp")
except metadata.PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"
