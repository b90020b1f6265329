"""Statistics: intervals and tests, comparisons of the waves, models, scales, the report's
claims and its recomputation from microdata."""
