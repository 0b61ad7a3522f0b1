"""Offers as a provider sees them: the referrals sent to its homes, and its answer."""
