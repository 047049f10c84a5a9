"""Helpers shared by several rule families (no family imports another family's modules)."""
