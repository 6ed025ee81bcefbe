"""YAML text to the tree every other layer reads, as Copilot's yaml.v3 would decode it."""
