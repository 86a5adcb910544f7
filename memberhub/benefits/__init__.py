"""Unified benefits: service categories, benefit catalogs, the unified answer, sentences, year comparison."""
