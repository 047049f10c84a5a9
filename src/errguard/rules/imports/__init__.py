"""Imports: import cycles that crash (EG501) and fragile ones (EG502)."""
