"""Page arithmetic shared by the paged lists: how many pages a count makes and which page is shown."""

from __future__ import annotations


def page_window(count: int, page: int, per_page: int) -> tuple[int, int, int]:
    """(page shown, pages, offset of its first row): a page before the first gives the first, a page past the
    last gives the last; an empty list still has one (empty) page."""
    pages = max(1, -(-count // per_page))
    shown = min(max(1, page), pages)
    return shown, pages, (shown - 1) * per_page
