"""Intelligence that does not come from the artifact's code: popular names, typosquats, advisories."""
