"""Administrative areas of Punjab: province, divisions, districts, tehsils."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

LEVELS = ("province", "division", "district", "tehsil")


class Area(db.Model):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    level: Mapped[str] = mapped_column(String(10), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_ur: Mapped[str] = mapped_column(String(80))

    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent")

    def name(self, locale: str) -> str:
        return self.name_ur if locale == "ur" else self.name_en

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name_en}>"
