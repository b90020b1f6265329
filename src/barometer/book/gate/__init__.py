"""The output gate: what a chapter may publish from microdata, checked before it leaves."""
