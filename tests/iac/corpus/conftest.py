"""The corpus holds real files (some named test_*.py, from moto's sdist): data for
tests/iac/test_corpus.py, never tests to collect."""

collect_ignore_glob = ["*"]
