"""Request and notification handlers, one module per group of features, each registered on a
:class:`~sidecar_lsp.lsp.ports.Registry`; a handler is a few lines: read, ask the core, convert."""
