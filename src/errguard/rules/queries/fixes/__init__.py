"""The libcst fixes of the queries family, one module per fixable rule, named like it."""
