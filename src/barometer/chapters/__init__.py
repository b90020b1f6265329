"""Each chapter's plumbing, one module per chapter notebook: the drawing of its figures and the
assembly of its tables and captions, so that the notebook shows the statistics and the prose."""
