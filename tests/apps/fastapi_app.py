"""An "items" API written the way FastAPI's tutorial writes one, to check `contracts` against.

Its contract is FastAPI's own generated document (``/openapi.json``,
OpenAPI 3.1): pydantic models for bodies and answers, path and query
parameters with their constraints, FastAPI's own 422 for invalid input, a
documented 404 for unknown ids, an API key (``X-API-Key``) on every
operation that changes data, and OpenAPI links from the create to the read,
replace, update and delete of the created item (and from replace and update
to the read).

``create_app(broken=...)`` plants one bug at a time; the document always
stays the correct app's (``spec_document()``), as a vendor's docs stay what
they are when the implementation drifts:

* ``wrong-type`` — read_item answers ``price`` as a string;
* ``server-error`` — list_items crashes (HTTP 500) at its documented maximum ``limit``;
* ``unvalidated-parameter`` — search_items runs without its mandatory ``q``;
* ``missing-field`` — read_item answers without the mandatory ``name``;
* ``stale-read`` — read_item answers the item as first created, not as last replaced or updated;
* ``undeleted`` — delete_item answers 204 but keeps the item.

Run it alone: ``python tests/apps/fastapi_app.py --port 8098 [--broken NAME]``.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Response, Security, status
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

API_KEY = "fastapi-demo-key"
NULLABLE = frozenset({"description", "tax"})  # the Item fields whose value may be null
MAX_LIMIT = 100
BROKEN = ("wrong-type", "server-error", "unvalidated-parameter", "missing-field", "stale-read", "undeleted")
SEED_ITEMS = [
    {"name": "Foo", "description": "The first item", "price": 50.2, "tax": 10.5, "tags": ["small"]},
    {"name": "Bar", "description": None, "price": 62.0, "tax": None, "tags": []},
    {"name": "Baz", "description": "A third one", "price": 3.5, "tax": 0.0, "tags": ["blue", "round"]},
]


class Message(BaseModel):
    """What FastAPI's HTTPException answers: ``{"detail": "..."}``."""

    detail: str


class ItemIn(BaseModel):
    """What a client sends to create or replace an item."""

    name: str = Field(min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=300)
    price: float = Field(gt=0, le=1_000_000)
    tax: float | None = Field(default=None, ge=0)
    tags: list[str] = Field(default_factory=list, max_length=10)


class ItemPatch(BaseModel):
    """A partial update: only the fields sent change."""

    name: str | None = Field(default=None, min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=300)
    price: float | None = Field(default=None, gt=0, le=1_000_000)
    tax: float | None = Field(default=None, ge=0)
    tags: list[str] | None = Field(default=None, max_length=10)


class Item(ItemIn):
    """An item as stored: what was sent, plus the id the server gives it."""

    id: int


api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
UNAUTHORIZED = {401: {"model": Message, "description": "The API key is missing or wrong"}}
NOT_FOUND = {404: {"model": Message, "description": "No item has this id"}}


def _link(operation_id: str, description: str) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": {"item_id": "$response.body#/id"},
            "description": description}


READ_LINK = {"GetItem": _link("read_item", "The `id` in the answer is the `item_id` of read_item.")}
CREATE_LINKS = {
    **READ_LINK,
    "ReplaceItem": _link("replace_item", "The `id` in the answer is the `item_id` of replace_item."),
    "UpdateItem": _link("update_item", "The `id` in the answer is the `item_id` of update_item."),
    "DeleteItem": _link("delete_item", "The `id` in the answer is the `item_id` of delete_item."),
}


async def require_api_key(key: Annotated[str | None, Security(api_key_header)]) -> str:
    if key != API_KEY:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Invalid or missing API key")
    return key


ItemId = Annotated[int, Path(ge=1, description="The id the server gave the item")]
Authorized = Annotated[str, Depends(require_api_key)]


def create_app(broken: str | None = None) -> FastAPI:
    """A fresh app with three seeded items; ``broken`` plants one bug (see the module docstring)."""
    if broken is not None and broken not in BROKEN:
        raise ValueError(f"unknown bug {broken!r}; expected one of {', '.join(BROKEN)}")
    app = FastAPI(title="Items", version="1.0.0", description="A tutorial-style CRUD API.")
    items: dict[int, dict[str, Any]] = {n: dict(item) for n, item in enumerate(SEED_ITEMS, start=1)}
    first_seen: dict[int, dict[str, Any]] = copy.deepcopy(items)
    counter = {"next": len(items) + 1}

    def stored(item_id: int) -> dict[str, Any]:
        if item_id not in items:
            raise HTTPException(status_code=404, detail="Item not found")
        return items[item_id]

    @app.get("/items/", response_model=list[Item], operation_id="list_items", summary="List items")
    async def list_items(skip: Annotated[int, Query(ge=0)] = 0,
                         limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
                         q: Annotated[str | None, Query(max_length=50)] = None) -> Any:
        if broken == "server-error" and limit == MAX_LIMIT:
            page: list[Any] = [None] * (limit - 1)
            page[limit - 1] = "off by one"  # IndexError: answered as an undocumented 500
        found = [{"id": n, **item} for n, item in sorted(items.items()) if q is None or q in item["name"]]
        return found[skip:skip + limit]

    def search(q: str | None, limit: int) -> list[dict[str, Any]]:
        wanted = (q or "").lower()
        return [{"id": n, **item} for n, item in sorted(items.items()) if wanted in item["name"].lower()][:limit]

    search_route = app.get("/search/", response_model=list[Item], operation_id="search_items", summary="Search items")
    if broken == "unvalidated-parameter":
        @search_route
        async def search_without_q(q: Annotated[str | None, Query(max_length=50)] = None,
                                   limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10) -> Any:
            return search(q, limit)  # the mandatory q is never enforced: everything matches
    else:
        @search_route
        async def search_items(q: Annotated[str, Query(min_length=1, max_length=50)],
                               limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10) -> Any:
            return search(q, limit)

    @app.post("/items/", response_model=Item, status_code=201, operation_id="create_item", summary="Create an item",
              responses={201: {"description": "The item as stored", "links": CREATE_LINKS}, **UNAUTHORIZED})
    async def create_item(item: ItemIn, _: Authorized) -> Any:
        item_id = counter["next"]
        counter["next"] += 1
        items[item_id] = item.model_dump()
        first_seen[item_id] = item.model_dump()
        return {"id": item_id, **items[item_id]}

    @app.get("/items/{item_id}", response_model=Item, operation_id="read_item", summary="Read an item",
             responses={**NOT_FOUND})
    async def read_item(item_id: ItemId) -> Any:
        current = stored(item_id)
        if broken == "stale-read":
            current = first_seen.get(item_id, current)
        item = {"id": item_id, **current}
        if broken == "wrong-type":
            return JSONResponse({**item, "price": f"{item['price']:.2f}"})
        if broken == "missing-field":
            return JSONResponse({k: v for k, v in item.items() if k != "name"})
        return item

    @app.put("/items/{item_id}", response_model=Item, operation_id="replace_item", summary="Replace an item",
             responses={200: {"description": "The item as stored", "links": READ_LINK}, **NOT_FOUND,
                        **UNAUTHORIZED})
    async def replace_item(item_id: ItemId, item: ItemIn, _: Authorized) -> Any:
        stored(item_id)
        items[item_id] = item.model_dump()
        return {"id": item_id, **items[item_id]}

    @app.patch("/items/{item_id}", response_model=Item, operation_id="update_item", summary="Update an item",
               responses={200: {"description": "The item as stored", "links": READ_LINK}, **NOT_FOUND,
                          **UNAUTHORIZED})
    async def update_item(item_id: ItemId, item: ItemPatch, _: Authorized) -> Any:
        current = stored(item_id)
        changes = item.model_dump(exclude_unset=True)
        # null clears what may be null; for name, price and tags (never null in an Item) it changes nothing
        current.update({k: v for k, v in changes.items() if v is not None or k in NULLABLE})
        return {"id": item_id, **current}

    @app.delete("/items/{item_id}", status_code=204, operation_id="delete_item", summary="Delete an item",
                responses={**NOT_FOUND, **UNAUTHORIZED})
    async def delete_item(item_id: ItemId, _: Authorized) -> Response:
        stored(item_id)
        if broken != "undeleted":
            del items[item_id]
        return Response(status_code=204)

    return app


def spec_document() -> dict[str, Any]:
    """The correct app's generated OpenAPI 3.1 document: the contract every variant is checked against."""
    return create_app().openapi()


if __name__ == "__main__":
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8098)
    parser.add_argument("--broken", choices=BROKEN)
    args = parser.parse_args()
    uvicorn.run(create_app(args.broken), host="127.0.0.1", port=args.port, log_level="warning")
