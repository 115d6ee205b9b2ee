"""robots.txt, fetched once per origin and honoured unless a source sets obey_robots = false."""

from __future__ import annotations

from typing import Callable
from urllib.parse import urlsplit

from protego import Protego


class RobotsRules:
    """`fetch(robots_url)` returns the body, or None when there is no usable robots.txt.

    No usable robots.txt (404, an error, a timeout) means everything is allowed: that is the
    convention crawlers follow, and a portal that is down fails on the real request anyway.
    """

    def __init__(self, fetch: Callable[[str], bytes | None], user_agent: str) -> None:
        self._fetch = fetch
        self._agent = user_agent
        self._by_origin: dict[str, Protego | None] = {}

    def _rules(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._by_origin:
            self._by_origin[origin] = None  # set first: a robots fetch must not recurse
            body = self._fetch(origin + "/robots.txt")
            if body is not None:
                self._by_origin[origin] = Protego.parse(body.decode("utf-8", "replace"))
        return self._by_origin[origin]

    def allowed(self, url: str) -> bool:
        rules = self._rules(url)
        return rules is None or rules.can_fetch(url, self._agent)

    def crawl_delay(self, url: str) -> float | None:
        rules = self._rules(url)
        delay = rules.crawl_delay(self._agent) if rules is not None else None
        return float(delay) if delay is not None else None
