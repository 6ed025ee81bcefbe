"""The published JSON Schema: where it is, how to walk it, validation, and its errors in words."""
