"""Jobs: the dramatiq broker (embedded or Redis), the actor registry, and the scheduler sweep."""
