"""Built-in rule families, one module each; every module here is loaded."""
