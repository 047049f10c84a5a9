import os
import shutil
import sqlite3
import tempfile


def atomic_write(path, data, mode="wb"):
    """Write ``data`` to ``path`` atomically via a temp file in the same dir."""
    dirname = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=dirname, prefix=".tmp-")
    try:
        with os.fdopen(fd, mode) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class ChunkedUploadStore:
    def __init__(self, root, db_path):
        self.root = root
        self.db_path = db_path

    def chunk_path(self, upload_id, index):
        return os.path.join(self.root, upload_id, "%06d.part" % index)

    def assemble(self, upload_id, chunk_paths, dest):
        conn = sqlite3.connect(self.db_path)
        try:
            with open(dest, "wb") as out:
                for p in chunk_paths:
                    with open(p, "rb") as src:
                        shutil.copyfileobj(src, out)
            conn.execute(
                "update uploads set state = 'complete' where id = ?", (upload_id,)
            )
            conn.commit()
        except Exception:
            conn.rollback()
            if os.path.exists(dest):
                os.remove(dest)
            raise
        finally:
            conn.close()
        shutil.rmtree(os.path.join(self.root, upload_id), ignore_errors=True)
        return dest

    def import_archive(self, archive_path, dest_dir):
        staging = tempfile.mkdtemp(dir=self.root)
        try:
            shutil.unpack_archive(archive_path, staging)
            os.rename(staging, dest_dir)
        except Exception as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise RuntimeError("could not import %s" % archive_path) from exc
