"""`reliability-lint server`: a language server over stdio (pygls)."""
