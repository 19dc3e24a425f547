"""Every string of a value passed through one function: how an output edge scrubs what came from an image.

The scrubber itself, what a secret looks like and how a report shows one, is
:func:`checks.inspect.redaction.scrubbed`.  Neither the model nor the store can
import it, so what the store writes (:func:`checks.store.results.write_if_changed`)
takes it as an argument of type :data:`Scrub`, which no caller can leave out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

#: Text as it came from an image -> the same text as an output may show it.
Scrub = Callable[[str], str]
T = TypeVar("T")
#: The metadata of a dataclass field no output shows (``field(metadata=NOT_SHOWN)``): left unscrubbed, which
#: spares walking, say, every path of an image when only its report is printed.
NOT_SHOWN: Mapping[str, bool] = {"shown": False}


def scrub_tree(value: T, scrub: Scrub) -> T:
    """``value`` with ``scrub`` applied to every string in it: in dataclass fields, mapping keys and values,
    lists and tuples, however deep.  What holds nothing to scrub comes back as the same object."""
    return _scrubbed(value, scrub)  # type: ignore[no-any-return]


#: Types that hold no string: returned at once (the value of an image's analysis is mostly these).
_PLAIN = frozenset({int, float, bool, type(None), bytes})


def _scrubbed(value: Any, scrub: Scrub) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, str):
        new = scrub(value)
        return value if new == value else new
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _dataclass(value, scrub)
    if isinstance(value, Mapping):
        items = [(_scrubbed(k, scrub), _scrubbed(v, scrub)) for k, v in value.items()]
        same = all(k is old_k and v is old_v for (k, v), (old_k, old_v) in zip(items, value.items(), strict=True))
        return value if same else dict(items)
    if type(value) in (list, tuple):
        found = [_scrubbed(item, scrub) for item in value]
        return value if all(a is b for a, b in zip(found, value, strict=True)) else type(value)(found)
    return value


def _dataclass(value: Any, scrub: Scrub) -> Any:
    """A dataclass instance with its scrubbed fields replaced (fields not set by ``__init__``, and those marked
    :data:`NOT_SHOWN`, are left as they are)."""
    changed = {}
    for name in _fields(type(value)):
        old = getattr(value, name)
        new = _scrubbed(old, scrub)
        if new is not old:
            changed[name] = new
    return dataclasses.replace(value, **changed) if changed else value


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    """The names of the fields of a dataclass that :func:`scrub_tree` scrubs, read once per class."""
    if cls not in _FIELDS:
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init and f.metadata.get("shown", True))
    return _FIELDS[cls]
