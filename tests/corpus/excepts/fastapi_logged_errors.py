import logging
from functools import lru_cache

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import Response
from pydantic_settings import BaseSettings

from .converter import ConversionTimeout, to_pdf
from .repo import DocumentRepo

logger = logging.getLogger(__name__)
app = FastAPI()
repo = DocumentRepo()


class Settings(BaseSettings):
    debug: bool = False
    max_pages: int = 500


@lru_cache
def get_settings() -> Settings:
    return Settings()


@app.post("/documents/{doc_id}/convert")
async def convert(doc_id: int, settings: Settings = Depends(get_settings)):
    doc = await repo.get(doc_id)
    if doc is None:
        raise HTTPException(status_code=404, detail="Document not found")
    if doc.page_count > settings.max_pages:
        raise HTTPException(status_code=413, detail="Document has too many pages")
    try:
        pdf = await to_pdf(doc)
    except ConversionTimeout as e:
        logger.warning("conversion of %s timed out", doc_id)
        raise HTTPException(status_code=504, detail="Conversion timed out") from e
    except Exception as e:
        logger.exception("conversion of %s failed", doc_id)
        detail = str(e) if settings.debug else "Internal server error"
        raise HTTPException(status_code=500, detail=detail) from e
    return Response(content=pdf, media_type="application/pdf")


@app.delete("/documents/{doc_id}", status_code=204)
async def delete_document(doc_id: int):
    try:
        await repo.delete(doc_id)
    except KeyError:
        raise HTTPException(status_code=404, detail="Document not found") from None
    except Exception as e:
        logger.error("delete of %s failed: %s", doc_id, e)
        raise HTTPException(status_code=500, detail="Could not delete document") from e
