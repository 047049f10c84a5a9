"""MySQL-backed message store."""
import os
import time

import pymysql
import pymysql.cursors


class RoomNotFound(LookupError):
    pass


def _connect():
    return pymysql.connect(
        host=os.environ.get("CHAT_DB_HOST", "localhost"),
        user=os.environ.get("CHAT_DB_USER", "chat"),
        password=os.environ.get("CHAT_DB_PASSWORD", ""),
        database=os.environ.get("CHAT_DB_NAME", "chat"),
        cursorclass=pymysql.cursors.DictCursor,
        autocommit=True,
    )


class MessageStore:
    def __init__(self, conn):
        self.conn = conn

    @classmethod
    def from_env(cls):
        return cls(_connect())

    def close(self):
        self.conn.close()

    def ping(self):
        self.conn.ping(reconnect=True)

    def _room_exists(self, room_id):
        with self.conn.cursor() as cur:
            cur.execute("SELECT 1 FROM rooms WHERE id = %s", (room_id,))
            return cur.fetchone() is not None

    def add_message(self, room_id, user_id, text):
        if not self._room_exists(room_id):
            raise RoomNotFound(room_id)
        with self.conn.cursor() as cur:
            cur.execute(
                "INSERT INTO messages (room_id, user_id, body, sent_at) VALUES (%s, %s, %s, %s)",
                (room_id, user_id, text, time.time()),
            )
            return cur.lastrowid

    def recent_messages(self, room_id, before=None, limit=50):
        if not self._room_exists(room_id):
            raise RoomNotFound(room_id)
        cur = self.conn.cursor()
        if before:
            cur.execute(
                "SELECT id, user_id, body, sent_at FROM messages WHERE room_id = %s AND id < %s "
                "ORDER BY id DESC LIMIT %s",
                (room_id, before, limit),
            )
        else:
            cur.execute(
                "SELECT id, user_id, body, sent_at FROM messages WHERE room_id = %s ORDER BY id DESC LIMIT %s",
                (room_id, limit),
            )
        return list(reversed(cur.fetchall()))

    def export(self, room_id):
        cur = self.conn.cursor(pymysql.cursors.SSCursor)
        try:
            cur.execute("SELECT user_id, body, sent_at FROM messages WHERE room_id = %s ORDER BY id", (room_id,))
            return [f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(ts))} <{uid}> {body}" for uid, body, ts in cur]
        finally:
            cur.close()


def purge_room(room_id):
    conn = _connect()
    with conn.cursor() as cur:
        cur.execute("DELETE FROM messages WHERE room_id = %s", (room_id,))
        cur.execute("DELETE FROM rooms WHERE id = %s", (room_id,))
    conn.close()


def room_stats():
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT room_id, count(*) AS n FROM messages GROUP BY room_id")
            return {row["room_id"]: row["n"] for row in cur.fetchall()}
    finally:
        conn.close()


def archive_room(room_id, path):
    conn = pymysql.connect(
        host=os.environ.get("CHAT_ARCHIVE_HOST", "localhost"),
        user="archiver",
        password=os.environ.get("CHAT_ARCHIVE_PASSWORD", ""),
        database="chat_archive",
    )
    with conn:
        with conn.cursor() as cur:
            cur.execute("INSERT INTO archived_rooms (room_id, path) VALUES (%s, %s)", (room_id, path))
        conn.commit()
