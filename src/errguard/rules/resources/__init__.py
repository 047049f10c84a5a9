"""Resources: database cursors (EG301) and DB-API connections (EG302) left open."""
