"""The command line: ``sidecar-lsp check`` and ``sidecar-lsp render``, and the report formats."""
