"""The libcst fixes of the exceptions family, one module per fixable rule, named like it."""
