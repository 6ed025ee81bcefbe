"""One document's findings: the YAML, the schema (scoped per environment) and the rules, de-duplicated."""
