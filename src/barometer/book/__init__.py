"""The chapter toolkit: a chapter's context, its parameters, tables, figures and labels."""
