"""Built-in rule families, one package each (`timeouts/`: catalogue, checks, fixes); every
package here is loaded. Modules with a leading underscore are shared helpers, not families."""
