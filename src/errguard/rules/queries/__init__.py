"""Queries: N+1 loads in code (EG101) and templates (EG103), queries run once per row (EG102)."""
