"""robots.txt rules for our user agent (pure: the body comes from extractors.http)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

MAX_CRAWL_DELAY = 30.0  # a Crawl-delay of hours would stall a daily run; cap it


@dataclass(frozen=True)
class Robots:
    parser: RobotFileParser | None  # None: no rules (no robots.txt, or 4xx)
    user_agent: str
    crawl_delay: float = 0.0

    def allows(self, url: str) -> bool:
        return self.parser is None or self.parser.can_fetch(self.user_agent, url)


def _crawl_delays(lines: list[str]) -> dict[str, float]:
    """Crawl-delay per user agent (the standard library reads whole seconds only)."""
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for line in lines:
        key, _, value = line.split("#")[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            agents = [] if in_rules else agents
            agents.append(value.lower())
            in_rules = False
        elif key:
            in_rules = True
            if key == "crawl-delay":
                with contextlib.suppress(ValueError):
                    delays.update(dict.fromkeys(agents, float(value)))
    return delays


def parse_robots(body: str, user_agent: str) -> Robots:
    lines = body.splitlines()
    parser = RobotFileParser()
    parser.parse(lines)
    name = user_agent.split("/")[0]
    delays = _crawl_delays(lines)
    delay = delays.get(name.lower(), delays.get("*", 0.0))
    return Robots(parser, name, min(MAX_CRAWL_DELAY, max(0.0, delay)))


ALLOW_ALL = Robots(None, "")
DISALLOW_ALL = parse_robots("User-agent: *\nDisallow: /", "*")
