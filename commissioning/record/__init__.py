"""The placement record: the services every feature writes referrals, sibling groups, offers
and placements through, so each rule of the law and of the lifecycle is kept in one place.

Each public function is one transaction (commissioning.transactions), audited, and refuses
what the lifecycle (commissioning.lifecycle) does not allow now.
"""
