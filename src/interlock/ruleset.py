"""Every rule of every stage, and the rule-set version."""
