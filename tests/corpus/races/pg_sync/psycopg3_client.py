"""Feature-flag store client (psycopg 3)."""
import psycopg
from psycopg.rows import dict_row


def load_feature_flags(conninfo, environment):
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT name, enabled, rollout_percent FROM feature_flags "
                "WHERE environment = %s",
                (environment,),
            )
            return {row["name"]: row for row in cur.fetchall()}


def record_evaluation(conninfo, flag, user_id, value):
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO flag_evaluations (flag, user_id, value) VALUES (%s, %s, %s)",
            (flag, user_id, value),
        )


def ping(conninfo):
    conn = psycopg.connect(conninfo, connect_timeout=2)
    conn.execute("SELECT 1")
    return True
