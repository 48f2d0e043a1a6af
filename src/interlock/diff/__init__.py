"""Release-to-release comparison: a new release judged against its own history."""
