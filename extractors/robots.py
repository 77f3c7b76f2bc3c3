"""robots.txt rules for our user agent (pure: the body comes from extractors.http).

Parsed by Protego (Scrapy's parser, Google-compatible: ``*`` and ``$`` in paths, the longest
matching rule wins, Allow wins a tie, fractional Crawl-delay). The standard library's parser
ignores wildcards, so ``Disallow: /*?print=`` would allow ``/news/a?print=1``.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

MAX_CRAWL_DELAY = 30.0  # a Crawl-delay of hours would stall a daily run; cap it


@dataclass(frozen=True)
class Robots:
    parser: Protego | None  # None: no rules (no robots.txt, or 4xx)
    user_agent: str
    crawl_delay: float = 0.0

    def allows(self, url: str) -> bool:
        return self.parser is None or self.parser.can_fetch(url, self.user_agent)


def parse_robots(body: str, user_agent: str) -> Robots:
    """The rules of body for user_agent's product token (its first word)."""
    parser = Protego.parse(body)
    name = user_agent.split("/", 1)[0]
    delay = parser.crawl_delay(name) or 0.0
    return Robots(parser, name, min(MAX_CRAWL_DELAY, max(0.0, delay)))


ALLOW_ALL = Robots(None, "")
DISALLOW_ALL = parse_robots("User-agent: *\nDisallow: /", "*")
