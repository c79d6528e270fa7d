"""The page's views: one module per tab. Each draws plain values (a run, a status, or a function that
returns one) and never touches a job, a job board or the worker pool."""
