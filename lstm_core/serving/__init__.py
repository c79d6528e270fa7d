"""Training for many sessions: worker processes, a Dask cluster, shared jobs, the saved runs, URL presets."""
