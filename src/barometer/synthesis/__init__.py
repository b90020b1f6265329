"""The seeded synthetic stand-in and how close it comes to the report."""
