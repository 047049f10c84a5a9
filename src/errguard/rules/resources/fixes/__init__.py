"""The libcst fixes of the resources family, one module per fixable rule, named like it."""
