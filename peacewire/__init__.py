"""peacewire: news coverage of the US-Russia-Ukraine peace negotiations, in DuckDB."""

__version__ = "0.1.0"
