"""Every key binding by its id, and the user's `[keymap]` checked against them.

The bindings are found by walking the app's screens and widgets, so a new
binding is listed (by `ps-tui keys`) and remappable without being
registered anywhere. That imports every screen: the TUI does it only when
the config has a keymap, never at a plain launch.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import msgspec
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key

#: The modules whose classes declare bindings.
_PACKAGES = ("ps_tui.screens", "ps_tui.widgets")

_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})

#: Key names a binding may use beside single characters: Textual's named keys
#: (without modifiers) and the names of printable ASCII characters.
_NAMED_KEYS = frozenset(
    {key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")}
    | {_character_to_key(c) for c in string.printable if c.isprintable() and not c.isspace()}
    | {"space"}
) - {"ctrl-at"}


class KeymapError(ValueError):
    """A keymap entry that cannot be used; the message names the entry."""


@dataclass
class BindingInfo:
    """One binding id: its default keys, what it does and where it works."""

    id: str
    keys: str
    description: str
    shown: bool
    #: The screens or widgets that declare it, by class name.
    where: list[str] = field(default_factory=list)


def _classes() -> Iterator[type[DOMNode]]:
    from ps_tui.app import PsApp

    yield PsApp
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package_name}.{module_info.name}")
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, DOMNode):
                    yield cls


def _declared(cls: type[DOMNode]) -> list[Binding]:
    bindings = cls.__dict__.get("BINDINGS", [])
    return [binding for binding in bindings if isinstance(binding, Binding)]


def registry() -> dict[str, BindingInfo]:
    """Every binding id of the app, in declaration order (the app's first)."""
    found: dict[str, BindingInfo] = {}
    for cls in _classes():
        for binding in _declared(cls):
            if binding.id is None:
                continue
            info = found.get(binding.id)
            if info is None:
                info = found[binding.id] = BindingInfo(
                    binding.id, binding.key, binding.description, binding.show
                )
            info.shown = info.shown or binding.show
            if cls.__name__ not in info.where:
                info.where.append(cls.__name__)
    return found


def declarations() -> Iterator[tuple[str, Binding]]:
    """(class name, binding) for every binding with an id, for the checks
    that each id means one thing."""
    for cls in _classes():
        for binding in _declared(cls):
            if binding.id is not None:
                yield cls.__name__, binding


def parse_keys(text: str) -> str:
    """A keymap value (`"E,f2"`, `"ctrl+e"`, `"?"`) in Textual's long form
    (`"E,f2"`, `"ctrl+e"`, `"question_mark"`); KeymapError says which part
    is not a key."""
    if not text.strip():
        raise KeymapError("no key given")
    keys: list[str] = []
    for part in text.split(","):
        key = part.strip()
        if not key:
            raise KeymapError(f"an empty key in {text!r} (keys are separated by commas)")
        *modifiers, base = key.split("+") if len(key) > 1 else [key]
        unknown = [m for m in modifiers if m.lower() not in _MODIFIERS]
        if unknown or (modifiers and not base):
            raise KeymapError(f"{key!r} is not a key: modifiers are {', '.join(sorted(_MODIFIERS))}")
        if len(base) == 1:
            if not base.isprintable() or base.isspace():
                raise KeymapError(f"{key!r} is not a key")
            base = _character_to_key(base)
        elif base.lower() not in _NAMED_KEYS:
            raise KeymapError(
                f"{key!r} is not a key: use a character or a key name such as escape, enter, "
                "tab, space, f2, pageup, ctrl+e"
            )
        else:
            base = base.lower()
        keys.append("+".join([*(m.lower() for m in modifiers), base]))
    return ",".join(keys)


def _siblings(bindings: Mapping[str, list[tuple[str, Binding]]]) -> dict[str, set[str]]:
    """For each id, the other ids declared on one of its keys by the same
    class: Textual drops a key's other bindings when it remaps one of them."""
    shared: dict[str, set[str]] = {}
    for declared in bindings.values():
        by_key: dict[str, set[str]] = {}
        for _, binding in declared:
            for key in binding.key.split(","):
                assert binding.id is not None
                by_key.setdefault(key.strip(), set()).add(binding.id)
        for ids in by_key.values():
            for binding_id in ids:
                shared.setdefault(binding_id, set()).update(ids - {binding_id})
    return shared


def effective_keymap(user: Mapping[str, str]) -> dict[str, str]:
    """The keymap to give `App.set_keymap` for the user's checked entries
    (binding id -> keys in long form).

    Textual, remapping one binding, also unbinds the others that share its
    old key in the same screen (`esc` clears the Offerings bar, or leaves
    it when empty): those are kept on their default keys here, so a remap
    moves only what the user named."""
    by_class: dict[str, list[tuple[str, Binding]]] = {}
    defaults: dict[str, str] = {}
    for where, binding in declarations():
        by_class.setdefault(where, []).append((where, binding))
        assert binding.id is not None
        defaults.setdefault(binding.id, binding.key)
    keymap = dict(user)
    siblings = _siblings(by_class)
    for binding_id in user:
        for sibling in siblings.get(binding_id, ()):
            keymap.setdefault(sibling, parse_keys(defaults[sibling]))
    return keymap


def check_keymap(entries: Mapping[str, str], known: Mapping[str, BindingInfo]) -> dict[str, str]:
    """The user's `[keymap]` with every id known and every key parsed;
    KeymapError names the first entry that is not."""
    checked: dict[str, str] = {}
    for binding_id, keys in entries.items():
        if binding_id not in known:
            from difflib import get_close_matches

            close = get_close_matches(binding_id, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise KeymapError(f"{binding_id!r}: no such binding{hint} (`ps-tui keys` lists them)")
        try:
            checked[binding_id] = parse_keys(keys)
        except KeymapError as error:
            raise KeymapError(f"{binding_id!r}: {error}") from None
    return checked


class KeyBinding(msgspec.Struct, kw_only=True):
    """One binding as `ps-tui keys --json` lists it."""

    id: str
    #: The keys in effect (the config's keymap applied), comma-separated.
    keys: str
    default_keys: str
    description: str
    #: Where it works: "everywhere", or the screens and widgets.
    where: list[str]


def _place(class_name: str) -> str:
    """ "DetailScreen" -> "detail", "OfferingMatrix" -> "offering matrix"."""
    if class_name == "PsApp":
        return "everywhere"
    name = class_name.lstrip("_").removesuffix("Screen") or class_name
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def binding_documents(keymap: Mapping[str, str]) -> list[KeyBinding]:
    """Every binding, with the keys `keymap` (as `effective_keymap` gives it) sets."""
    return [
        KeyBinding(
            id=info.id,
            keys=keymap.get(info.id, info.keys),
            default_keys=info.keys,
            description=info.description,
            where=[_place(name) for name in info.where],
        )
        for info in registry().values()
    ]
