"""What a sweep reports: its events, the results table and the results plot."""
