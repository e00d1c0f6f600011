"""Products of an exporter's organisation."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api import policy
from api.deps import CurrentUser, PageDep, SessionDep, VisibleProduct
from api.idempotency import IdempotencyDep
from api.openapi import problems_for
from api.pagination import paginate, sorts
from api.schemas import ProductCreate, ProductRead
from store import Product, transaction

router = APIRouter(prefix="/products", tags=["products"])
SORTS = sorts(Product, "created_at", "name")


@router.post("", response_model=ProductRead, status_code=201, summary="Create a product",
             responses=problems_for("validation"))
def create_product(body: ProductCreate, user: CurrentUser, request: Request,
                   idem: IdempotencyDep) -> ProductRead:
    def create() -> ProductRead:
        with transaction(request.app.state.sessions) as s:
            product = Product(org_id=policy.tenant_of(user), **body.model_dump())
            s.add(product)
            s.flush()
            return ProductRead.model_validate(product)

    return idem.run(body, create)


@router.get("", response_model=list[ProductRead], summary="List products")
def list_products(
    user: CurrentUser, session: SessionDep, page: PageDep, request: Request, response: Response,
    sort: Annotated[Literal["created_at", "-created_at", "name", "-name"], Query()] = "created_at",
    category: Annotated[str | None, Query(max_length=100)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in name or model")] = None,
) -> list[Product]:
    query = policy.products_query(user)
    if category is not None:
        query = query.where(Product.category == category)
    if q:
        like = f"%{q}%"
        query = query.where(Product.name.like(like) | Product.model.like(like))  # type: ignore[attr-defined]
    return paginate(session, query, SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.get("/{product_id}", response_model=ProductRead, summary="One product")
def get_product(product: VisibleProduct) -> Product:
    return product
