"""The report's published numbers, the codebook and the paths of every data file."""
