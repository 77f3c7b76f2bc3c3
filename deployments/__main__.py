"""`python -m deployments`: serve the daily deployment (same as `peacewire serve`)."""

from peacewire.cli import main

raise SystemExit(main(["serve"]))
