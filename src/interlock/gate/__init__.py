"""The install gate: `interlock install` (pip) and `interlock uv` (uv pip install).

An index on loopback (`app`, served by `server`) stands between the installer and the real
index; every file the installer asks for is judged first (`judge`). `run` drives the installer
through it in two phases — resolve, then install exactly the judged files — and `summary` reports.
`arguments`/`options` sort the user's installer arguments, `sources` refuses what cannot be
judged before anything runs, `installers` and `tools` know pip and uv.
"""
