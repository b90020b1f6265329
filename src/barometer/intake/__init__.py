"""Reading and validating a user's own microdata file."""
