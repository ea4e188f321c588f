"""The inbox domain core: statuses, tabs, the transition table and the rules around it.

Plain Python on purpose: no boto3, pynamodb or Powertools here, so the rules can be
tested with no AWS at all and every adapter depends on this package, never the reverse.
"""
