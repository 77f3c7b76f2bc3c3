"""Prefect flows: they orchestrate extractors and warehouse, nothing else."""
