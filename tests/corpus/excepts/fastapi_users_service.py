import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from .auth import InvalidToken, decode_token, hash_password
from .db import SessionLocal
from .models import User
from .schemas import UserCreate

app = FastAPI(title="users")
logger = logging.getLogger(__name__)


@app.exception_handler(IntegrityError)
async def integrity_error_handler(request: Request, exc: IntegrityError):
    return JSONResponse(status_code=409, content={"detail": str(exc.orig)})


@app.post("/users", status_code=201)
def create_user(payload: UserCreate):
    with SessionLocal() as session:
        user = User(email=payload.email, password_hash=hash_password(payload.password))
        session.add(user)
        session.commit()
        return {"id": user.id}


@app.get("/me")
def me(request: Request):
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        claims = decode_token(token)
    except InvalidToken:
        return JSONResponse({"detail": "invalid token"}, status_code=401)
    try:
        with SessionLocal() as session:
            user = session.get(User, claims["sub"])
            return {"id": user.id, "email": user.email}
    except Exception as exc:
        msg = str(exc)
        logger.error("lookup failed: %s", msg)
        return JSONResponse({"detail": msg}, status_code=500)
