"""Jupyter notebooks: checked like Python files, fixed in place in their own JSON text."""
