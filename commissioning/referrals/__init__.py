"""Commissioners' work: referrals, search, targeted offers and confirmed placements."""
