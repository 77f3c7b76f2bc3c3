from __future__ import annotations

from extractors.robots import ALLOW_ALL, DISALLOW_ALL, parse_robots

BODY = """# example
User-agent: peacewire
Disallow: /no-peacewire/
Crawl-delay: 2.5

User-agent: *
Disallow: /private/
Crawl-delay: 0.5
"""


def test_our_group_wins_over_the_wildcard() -> None:
    ours = parse_robots(BODY, "peacewire/0.1 (+https://news.example.com)")
    assert not ours.allows("https://news.example.com/no-peacewire/a") and ours.allows(
        "https://news.example.com/private/a"
    )
    assert ours.crawl_delay == 2.5


def test_wildcard_group_for_other_agents() -> None:
    other = parse_robots(BODY, "otherbot/1.0")
    assert not other.allows("https://news.example.com/private/a") and other.crawl_delay == 0.5


def test_extremes() -> None:
    assert ALLOW_ALL.allows("https://news.example.com/anything")
    assert not DISALLOW_ALL.allows("https://news.example.com/anything")
    assert parse_robots("User-agent: *\nCrawl-delay: 86400\n", "a").crawl_delay == 30.0


WILDCARDS = """User-agent: *
Disallow: /*?print=
Disallow: /*.pdf$
Allow: /$
Disallow: /archive
Allow: /archive/*/public
"""


def test_a_wildcard_matches_inside_the_path() -> None:
    rules = parse_robots(WILDCARDS, "peacewire/0.1")
    assert not rules.allows("https://news.example.com/news/a?print=1")
    assert not rules.allows("https://news.example.com/2025/12/01/b?print=yes&page=2")
    assert rules.allows("https://news.example.com/news/a?page=2&print=1")  # not "?print=": allowed
    assert rules.allows("https://news.example.com/news/a")


def test_a_dollar_anchors_the_end_of_the_url() -> None:
    rules = parse_robots(WILDCARDS, "peacewire/0.1")
    assert not rules.allows("https://news.example.com/files/brief.pdf")
    assert rules.allows("https://news.example.com/files/brief.pdf?download=0")
    assert rules.allows("https://news.example.com/")


def test_the_longest_matching_rule_wins() -> None:
    rules = parse_robots(WILDCARDS, "peacewire/0.1")
    assert not rules.allows("https://news.example.com/archive/2025/private")
    assert rules.allows("https://news.example.com/archive/2025/public")
