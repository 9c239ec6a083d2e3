"""The project's semantic model: what a name, attribute or call holds, within one module
(`model.Module`, fed by the shared walk) and across the project's modules (`index.Index`,
built from small per-module summaries that are cached by content).

Anything the model cannot establish is `UNKNOWN`, and the rules never report unknown.
"""
