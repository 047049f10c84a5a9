from datetime import date

from fastapi import Depends, FastAPI, HTTPException, Query

app = FastAPI()


def parse_day(day: str = Query(..., description="YYYY-MM-DD")) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError as e:
        raise HTTPException(status_code=400, detail=str(e))


@app.get("/bookings")
def bookings(day: date = Depends(parse_day)):
    return {"day": day.isoformat(), "bookings": []}
