"""The editor features, each a function of (tree, position, schema) returning plain data."""
