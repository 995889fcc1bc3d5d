"""Column types shared by the store's tables."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


class EnumValue(TypeDecorator[E]):
    """A string enum stored as its value in a plain ``VARCHAR``.

    Not a native PostgreSQL enum: adding a member is then a code change, not a migration, and
    both backends hold the same column type. Unknown values fail loudly on read.

    Args:
        enum_class: the enum stored in the column.
        length: the column's length; must fit every value.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[E], length: int) -> None:
        longest = max(len(member.value) for member in enum_class)
        if longest > length:
            raise ValueError(f"{enum_class.__name__} needs length {longest}, not {length}")
        super().__init__(length=length)
        self.enum_class = enum_class
        self.length = length

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        if value is None:
            return None
        return self.enum_class(value)
