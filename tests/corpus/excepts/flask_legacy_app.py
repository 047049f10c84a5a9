import sqlite3

from flask import Flask, g, redirect, render_template, request, session, url_for

app = Flask(__name__)
app.secret_key = "change-me"
DATABASE = "app.db"


def get_db():
    db = getattr(g, "_database", None)
    if db is None:
        db = g._database = sqlite3.connect(DATABASE)
        db.row_factory = sqlite3.Row
    return db


@app.teardown_appcontext
def close_connection(exception):
    db = getattr(g, "_database", None)
    if db is not None:
        try:
            db.close()
        except:
            pass


@app.before_request
def load_user():
    g.user = None
    uid = session.get("user_id")
    if uid:
        try:
            g.user = get_db().execute(
                "select * from users where id = ?", (uid,)
            ).fetchone()
        except Exception:
            session.clear()


@app.route("/")
def index():
    posts = get_db().execute(
        "select p.id, p.title, u.username from posts p join users u on u.id = p.author_id"
        " order by p.created desc"
    ).fetchall()
    return render_template("index.html", posts=posts)


@app.route("/post/new", methods=["GET", "POST"])
def new_post():
    if g.user is None:
        return redirect(url_for("index"))
    if request.method == "POST":
        db = get_db()
        db.execute(
            "insert into posts (title, body, author_id) values (?, ?, ?)",
            (request.form["title"], request.form["body"], g.user["id"]),
        )
        db.commit()
        return redirect(url_for("index"))
    return render_template("new_post.html")
