"""The transport side: submissions to national systems, their jobs, and the incoming sync."""
