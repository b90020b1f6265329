"""Disclosure control: typed values, the populations they describe, the rules and the
edition's ledger with its integer attacker."""
