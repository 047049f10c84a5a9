"""The libcst fixes of the imports family, one module per fixable rule, named like it."""
