"""The pipeline's stages as plain functions over the store; DAGs and the CLI call these.

watch      scrape sources → new versions (ids)
compare    versions → changes with their clause diff (ids)
drafting   changes → lessons per role (ids)
Every stage is idempotent: re-running it with the same input adds nothing.
"""
