"""The page's pieces: the sidebar, one view per tab (views), this session's trainings and checks (session),
and what every session of the server shares (resources)."""
