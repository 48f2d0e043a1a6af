"""Interlock's test suite: a package, so tests import their helpers as `tests.builders`, `tests.fake_index`…"""
