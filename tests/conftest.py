"""Puts tests/ on sys.path (pytest's rootdir-relative import) so that test folders share
tests/worlds.py."""
