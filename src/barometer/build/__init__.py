"""The build: notebooks run, generated pages, the site, its PDFs, releases and the CLI."""
