import logging
import os

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, abort, jsonify, make_response, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.config.from_envvar("UPLOADER_SETTINGS", silent=True)
log = logging.getLogger(__name__)
s3 = boto3.client("s3")
BUCKET = os.environ.get("UPLOAD_BUCKET", "uploads")
MAX_SIZE = 25 * 1024 * 1024


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files.get("file")
    if f is None:
        abort(400, description="missing file")
    if request.content_length and request.content_length > MAX_SIZE:
        abort(413, description="file too large")
    key = secure_filename(f.filename)
    try:
        s3.upload_fileobj(f, BUCKET, key)
    except (BotoCoreError, ClientError) as e:
        log.warning("upload of %s failed", key)
        return jsonify(error=str(e)), 502
    return jsonify(key=key), 201


@app.route("/files/<path:key>", methods=["DELETE"])
def delete(key):
    try:
        s3.delete_object(Bucket=BUCKET, Key=key)
    except ClientError as e:
        abort(500, description=f"delete failed: {e}")
    return "", 204


@app.route("/files/<path:key>/url")
def presign(key):
    try:
        url = s3.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=3600
        )
    except Exception as e:
        resp = make_response("could not sign url: %s" % e, 500)
        resp.mimetype = "text/plain"
        return resp
    return jsonify(url=url)


if __name__ == "__main__":
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
