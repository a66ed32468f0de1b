"""Field types request bodies share, so every service refuses the same malformed input with
the same message."""

from typing import Annotated

from pydantic import Field
from pydantic_core import PydanticCustomError


def distinct(values: list[str]) -> list[str]:
    """A list validator: each value once (use with `AfterValidator`)."""
    if len(set(values)) != len(values):
        raise PydanticCustomError("duplicate", "list each value once")
    return values


Id = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^\S+$",
                          description="An identifier without spaces")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
Line = Annotated[str, Field(min_length=1, max_length=1000)]
