"""The ``copilot/`` folder as one model: the facts each manifest gives the others, and cross-file rules."""
