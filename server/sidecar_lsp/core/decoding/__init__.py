"""What Copilot reads before its schema: the kind of a manifest and ``${VAR}`` substitution."""
