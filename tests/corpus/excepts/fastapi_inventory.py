import logging

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .db import get_session
from .models import Item

router = APIRouter(prefix="/inventory", tags=["inventory"])
logger = logging.getLogger(__name__)

SUPPLIER_URL = "https://supplier.example.com/api/stock"


class StockUpdate(BaseModel):
    sku: str
    delta: int


@router.post("/sync")
async def sync_from_supplier(session: Session = Depends(get_session)):
    async with httpx.AsyncClient(timeout=10) as client:
        try:
            resp = await client.get(SUPPLIER_URL)
            resp.raise_for_status()
        except httpx.HTTPError as e:
            raise HTTPException(status_code=502, detail=str(e))
    try:
        rows = [StockUpdate(**row) for row in resp.json()["items"]]
    except ValidationError as e:
        raise HTTPException(status_code=422, detail=e.errors())
    for row in rows:
        item = session.get(Item, row.sku)
        if item is not None:
            item.quantity += row.delta
    try:
        session.commit()
    except SQLAlchemyError as e:
        session.rollback()
        raise HTTPException(
            status_code=500,
            detail=f"database error: {e}",
        ) from e
    return {"updated": len(rows)}


@router.get("/{sku}")
def get_item(sku: str, session: Session = Depends(get_session)):
    item = session.get(Item, sku)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"sku": item.sku, "quantity": item.quantity}
