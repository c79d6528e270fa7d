"""What several views share: lazy tabs, the non-blocking watcher, kept widget choices, the cached trace and charts
drawn with their text alternative."""

from collections.abc import Callable
from typing import Any

import streamlit as st

from lstm_core import formats

WATCH_SECONDS = 0.3  # a waiting session's fragment redraws this often: an epoch shows at most this late
NUMBERS = "Show the numbers"  # the expander under a chart that holds the numbers it draws
FIRST_RUN = "The first run is training: watch it learn in the Training tab."
PREVIOUS_RUN = "Showing the previous run while the new one trains."


def tab(container, now, draw: Callable[[Any], None], training: Callable[[], None] | None = None) -> None:
    """One tab, run only while open (a closed tab sends nothing, so the page paints fast). ``draw(run)``
    shows the run on screen (``now``: a serving.trainer.TrainerStatus); while a new run trains, ``training()``
    shows that instead if given, else the previous run is shown with a note."""
    if not container.open:
        return
    with container:
        if now.job is not None and training is not None:
            training()
        elif now.run is None:
            st.info(FIRST_RUN)
        else:
            if now.job is not None:
                st.caption(PREVIOUS_RUN)
            draw(now.run)


def watch(poll: Callable[[], Any], draw: Callable[[Any], None], seconds: float = WATCH_SECONDS) -> None:
    """Draws ``poll()`` (a status with ``.finished``) every ``seconds`` in a fragment, so the page is never
    held up; once the status has finished, the whole page reruns to show what it brought."""

    def tick() -> None:
        now = poll()
        if now.finished:
            st.rerun()
        draw(now)

    st.fragment(tick, run_every=seconds)()


def failed(error: str | None) -> None:
    """The error of the training this session waited for, said once."""
    if error:
        st.error(f"{formats.literal(error)}. The results shown are from the last run.")


def chart(place, drawn, alt: str, numbers=None, **kwargs) -> None:
    """Draws ``drawn`` (an Altair chart, or a Vega-Lite spec as a dict) in ``place`` (st, a column or a
    container) with its text alternative ``alt`` (present.alt) as Streamlit's alt: the browser makes it the
    chart's description, the name a screen reader announces. (No spec here sets its own description: Streamlit
    logs a warning with a stack trace for each chart that has both.) Then ``numbers`` (a DataFrame), if
    given, under "Show the numbers": the values themselves, for whoever cannot tell colours or read a line.
    The expander is lazy, so its table is sent, and the browser loads its grid, only once opened.
    ``kwargs`` go to the chart (width=)."""
    if isinstance(drawn, dict):
        place.vega_lite_chart(drawn, alt=alt, **kwargs)
    else:
        place.altair_chart(drawn, alt=alt, **kwargs)
    if numbers is not None:
        box = place.expander(NUMBERS, key=numbers_key(alt), on_change="rerun")
        if box.open:
            box.dataframe(numbers, hide_index=not any(numbers.index.names))  # a named index: timesteps


def numbers_key(alt: str) -> str:
    """The key of the Show the numbers expander under the chart whose text alternative is ``alt``: the same
    while the chart shows the same data, so it stays open across reruns."""
    import hashlib

    return "numbers-" + hashlib.sha1(alt.encode()).hexdigest()[:12]


GUIDED = "guided"  # session_state: True while the page shows the guided path (its own Back and Next lead on)
GUIDED_STEP = "guided_step"  # session_state: the guided step shown, from 1


def next_step(view: str, **facts) -> None:
    """The view's last line: the most useful next thing to do (teaching.path). Not on the guided path."""
    from lstm_core.teaching.path import next_step as said

    if st.session_state.get(GUIDED):
        return
    if line := said(view, **facts):
        st.markdown(line)


def wrapping(frame, *columns: str) -> list[dict]:
    """Styler rules, scoped to their table, that let the text ``columns`` break a long word anywhere: on a
    phone such a column can be narrower than "(0.550, ±0.070)", and a word that cannot break pushes the
    table past the screen's edge. Numbers and headers keep their digits and words whole."""
    names = list(frame.columns)
    return [{"selector": f"td.col{names.index(c)} p", "props": "overflow-wrap: anywhere"} for c in columns if c in names]


def recall(name: str, default):
    """A choice made in a tab; lazy tabs drop their widgets' state when closed, so keep a copy."""
    return st.session_state.get(f"kept-{name}", default)


def remember(name: str, value):
    st.session_state[f"kept-{name}"] = value
    return value


def whole_number(label: str, low: int, high: int, name: str, offset: int = 0) -> int:
    """A whole number from ``low`` to ``high``, kept across tab switches. No min or max on the widget
    (the browser would refuse an entry without a word): an entry out of range is named, and the last
    good one stays on screen. ``offset`` is what the kept value adds to the shown one (1-based timesteps)."""
    kept = min(max(recall(name, low), low), high)
    if name not in st.session_state or st.session_state.get(f"range-{name}") != (low, high):
        st.session_state[name] = kept  # a new run's range (fewer sequences, say): start inside it, no error
    st.session_state[f"range-{name}"] = (low, high)
    value = st.number_input(label, step=1, help=f"Allowed {low} to {high}.", key=name)
    if value is None or not low <= value <= high:
        st.error(f"{label}: {value} is out of range; allowed: {low} to {high}. Showing {kept} instead.")
        return kept - offset
    return remember(name, int(value)) - offset


@st.cache_data(max_entries=64, show_spinner=False)
def cached_trace(config_key: str, sample: int, _run):
    from lstm_core.tracing.trace import trace_sample

    return trace_sample(_run, sample)
