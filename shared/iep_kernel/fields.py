"""Field types requests share, so every service refuses the same malformed input with the
same message.

Identifiers have one grammar everywhere: in bodies (`Id`), in paths (`IdPath`) and in
queries (`IdQuery`, `OptionalIdQuery`). An id is compared byte for byte, so two ids that
look alike must not both be possible: no whitespace, no control, format (zero-width,
bidirectional overrides, byte-order mark), private-use, surrogate or unassigned
characters, and only the composed Unicode form (NFC). An id in another form is refused,
not rewritten, so that what the sender stored is what they sent. And only ASCII: a
Cyrillic capital O (U+041E) or a fullwidth D (U+FF24) looks like the Latin letter in every
list and letter, so an id like another student's could otherwise be made (district, school
and roster ids and the subjects of the district's sign-in are ASCII in practice).
"""

import unicodedata
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

ID_MAX_LENGTH = 200
ID_DESCRIPTION = ("An identifier: printable ASCII letters, digits and punctuation, without "
                  f"spaces, at most {ID_MAX_LENGTH} long")

_SPACES = frozenset({"Zs", "Zl", "Zp"})
_INVISIBLE = frozenset({"Cc", "Cf"})
_UNUSABLE = frozenset({"Co", "Cs", "Cn"})  # private use, lone surrogates, unassigned


def identifier(value: str) -> str:
    """Check an id against the one grammar (use with `AfterValidator`)."""
    categories = {unicodedata.category(ch) for ch in value}
    if categories & _INVISIBLE:
        raise PydanticCustomError(
            "id_invisible", "an identifier may not contain control or invisible characters")
    if categories & _SPACES:
        raise PydanticCustomError("id_space", "an identifier may not contain spaces")
    if categories & _UNUSABLE:
        raise PydanticCustomError(
            "id_unusable", "an identifier may not contain unassigned, private-use or "
                           "surrogate characters")
    if not unicodedata.is_normalized("NFC", value):
        raise PydanticCustomError(
            "id_not_nfc", "an identifier must be sent in Unicode normal form C (composed "
                          "characters); this one is decomposed")
    if not value.isascii():
        raise PydanticCustomError(
            "id_not_ascii", "an identifier is written in ASCII letters, digits and "
                            "punctuation: a letter of another script could pass for a letter "
                            "of another student's id")
    return value


def _optional_identifier(value: str | None) -> str | None:
    return None if value is None else identifier(value)


Id = Annotated[str, Field(min_length=1, max_length=ID_MAX_LENGTH, description=ID_DESCRIPTION),
               AfterValidator(identifier)]
IdPath = Annotated[str, Path(min_length=1, max_length=ID_MAX_LENGTH,
                             description=ID_DESCRIPTION), AfterValidator(identifier)]
IdQuery = Annotated[str, Query(min_length=1, max_length=ID_MAX_LENGTH,
                               description=ID_DESCRIPTION), AfterValidator(identifier)]
OptionalIdQuery = Annotated[str | None, Query(min_length=1, max_length=ID_MAX_LENGTH,
                                              description=ID_DESCRIPTION),
                            AfterValidator(_optional_identifier)]
"""An id in the query that may be left out: use with `= None`."""


def distinct(values: list[str]) -> list[str]:
    """A list validator: each value once (use with `AfterValidator`)."""
    if len(set(values)) != len(values):
        raise PydanticCustomError("duplicate", "list each value once")
    return values


Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
Line = Annotated[str, Field(min_length=1, max_length=1000)]
