"""The domain store (SQLAlchemy + Alembic) and the content-addressed blob store."""
from yibao.store.blobs import BlobStore, sha256_hex
from yibao.store.db import get_engine, migrate, open_session
from yibao.store import audit_chain  # noqa: F401  (registers the hook that hash-chains every audit row)
from yibao.store.models import (
    Acknowledgement, Attachment, Base, Change, Delivery, DeliveryItem, Document, Event,
    Lesson, Person, Review, Source, Subscription, Version,
)

__all__ = [
    "Acknowledgement", "Attachment", "Base", "BlobStore", "Change", "Delivery", "DeliveryItem",
    "Document", "Event", "Lesson", "Person", "Review", "Source", "Subscription", "Version",
    "get_engine", "migrate", "open_session", "sha256_hex",
]
