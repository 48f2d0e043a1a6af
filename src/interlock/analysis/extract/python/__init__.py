"""Facts from Python source: what the code can do and when each part of it runs.

The source is parsed with `ast`, never compiled or executed (`reader`). What does not parse is
scanned line by line (`fallback`). The syntax tree is walked once (`visitor`), resolving imports
and aliases so `import subprocess as s; s.Popen` and `__import__('os').system` read as what they
are; command lines are classified (`commands`), and constant decoding chains are folded and the
payloads they hide analysed in turn (`decoders`, `..constant_fold`). `report` holds the results.
"""
