"""The language server shell: the protocol, the open documents, the worker and the handlers.

It converts and routes; every answer comes from :mod:`sidecar_lsp.core`. Components meet through
the interfaces of :mod:`.ports`; only :mod:`.server` builds them.
"""
