"""The values every layer shares: findings, verdicts, scan results and the rules' declarations.

This package is the bottom of the import graph: it imports nothing else from Interlock, so the
pipeline's stages (artifact → analysis → diff/intel/index → policy → scanner → report → cli) can
all speak in the same types.
"""
