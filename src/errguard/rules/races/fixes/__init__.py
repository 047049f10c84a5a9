"""The libcst fixes of the races family, one module per fixable rule, named like it."""
