"""Products of an exporter's organisation."""

from __future__ import annotations

from fastapi import APIRouter

from api import policy
from api.deps import CurrentUser, SessionDep, require_role
from api.schemas import ProductCreate, ProductRead
from store import Product

router = APIRouter(prefix="/products", tags=["products"])


@router.post("", response_model=ProductRead, status_code=201,
             dependencies=[require_role("exporter", "consultant")])
def create_product(body: ProductCreate, user: CurrentUser, session: SessionDep) -> Product:
    product = Product(org_id=user.org_id, **body.model_dump())
    session.add(product)
    session.commit()
    session.refresh(product)
    return product


@router.get("", response_model=list[ProductRead])
def list_products(user: CurrentUser, session: SessionDep) -> list[Product]:
    return list(session.exec(policy.products_query(user).order_by(Product.created_at)).all())


@router.get("/{product_id}", response_model=ProductRead)
def get_product(product_id: str, user: CurrentUser, session: SessionDep) -> Product:
    return policy.product_for(session, user, product_id)
