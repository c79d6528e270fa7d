"""`streamlit run`, with lstm_core's log (one line per training started) on stderr, for the benchmarks."""

import logging
import sys

from streamlit.web import cli

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("lstm_core").setLevel(logging.INFO)
    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    sys.exit(cli.main())
