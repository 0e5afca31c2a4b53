"""Segments on the reference data: the one reading of a word as a segment,
and the segment a developer count falls in. Used by the form, the
Implementations filter and the Offerings lookup alike."""

from __future__ import annotations

from ps_tui.core.model import Reference, Segment
from ps_tui.core.text import folded


def segment_words(reference: Reference) -> dict[str, str]:
    """Every word or phrase that names a segment (its id, name or an alias,
    folded as `text.folded` does) -> the segment id; the first segment to
    claim a word keeps it."""
    words: dict[str, str] = {}
    for segment in reference.segments:
        for name in (segment.id, segment.name, *segment.aliases):
            words.setdefault(folded(name), segment.id)
    return words


def resolve_segment(text: str, reference: Reference, *, prefixes: bool = False) -> tuple[str, ...]:
    """The segment ids `text` may name: the one whose id, name or alias it is
    (any case and spacing); failing that, with `prefixes`, every segment whose
    id or name starts with it. Empty when nothing fits."""
    word = folded(text)
    exact = segment_words(reference).get(word)
    if exact is not None:
        return (exact,)
    if not prefixes or not word:
        return ()
    return tuple(
        s.id for s in reference.segments if folded(s.id).startswith(word) or folded(s.name).startswith(word)
    )


def segment_for_developers(developers: int, reference: Reference) -> Segment | None:
    """The first segment whose developer range (bounds inclusive) holds `developers`."""
    for segment in reference.segments:
        upper = segment.max_developers
        if segment.min_developers <= developers and (upper is None or developers <= upper):
            return segment
    return None


def developer_range(segment: Segment) -> str:
    """`501-2,500` or `2,501+`."""
    if segment.max_developers is None:
        return f"{segment.min_developers:,}+"
    return f"{segment.min_developers:,}-{segment.max_developers:,}"
