"""The one way the notification modules file a function under a name (a channel, a live
renderer, a message key): a decorator factory over the module's own table."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def registrar(table: dict[str, F]) -> Callable[[str], Callable[[F], F]]:
    """`register = registrar(TABLE)`; then `@register("name")` stores the function in
    TABLE under that name (a later one with the same name replaces it) and returns it."""

    def register(name: str) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            table[name] = func
            return func

        return decorator

    return register
