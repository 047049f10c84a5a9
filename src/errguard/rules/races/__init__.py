"""Races: check-then-create (EG201) and lost updates (EG202) on database rows."""
