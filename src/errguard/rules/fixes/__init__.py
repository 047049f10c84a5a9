"""The libcst fixes of the rules outside the families (EG002), one module per fixable rule."""
