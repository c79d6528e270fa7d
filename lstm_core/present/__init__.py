"""Tables, charts, the text report and the exports, built from runs."""
