"""Items carried forward at run time: each filter, the nothing-to-carry messages, votes
on carried items, and that going back to the source step loses nothing."""

from __future__ import annotations

import pytest

from carry_plan import (
    GROUP,
    ON_CLUSTER,
    ON_CLUSTERS,
    ON_TOP,
    ON_WRITE,
    OPTIONS,
    TALK,
    THEME_VOTE,
    WRITE,
    carry_engine,
)
from factories import go, join
from sessionkit.core import commands as c
from sessionkit.core.carried import top_items
from sessionkit.core.engine import Engine, Rejected

F = "facilitator"


def gathered(engine: Engine) -> dict[str, str]:
    """Notes a-e written, clustered into Waiting (a, b), Stories (c), a parking lot (d);
    e left loose. Returns the ids by name."""
    go(engine, WRITE)
    ids = {k: engine.execute(c.AddNote(text=f"note {k}")).data["note"] for k in "abcde"}
    go(engine, GROUP)
    for label, members, parking in (
        ("Waiting", "ab", False),
        ("Stories", "c", False),
        ("Later", "d", True),
    ):
        event = engine.execute(
            c.CreateCluster(label=label, notes=[ids[m] for m in members], parking=parking)
        )
        ids[label] = event.data["cluster"]
    return ids


def test_nothing_is_carried_from_a_step_that_has_not_run_yet():
    engine = carry_engine()
    go(engine, ON_CLUSTERS)
    came = engine.carried()
    assert came is not None and came.ids == ()
    assert came.message == ("Nothing carried forward from 'Gathering' (Group): it has not run yet.")
    assert engine.vote_targets() == []
    engine.execute(c.OpenVote())  # the vote still opens: options can be added by hand


def test_a_vote_works_on_the_clusters_of_an_earlier_item_and_its_own_options():
    engine = carry_engine()
    person = join(engine)
    ids = gathered(engine)
    go(engine, OPTIONS)
    own = engine.execute(c.AddNote(text="An option of our own")).data["note"]
    go(engine, ON_CLUSTERS)
    came = engine.carried()
    assert came is not None
    assert came.ids == (ids["Waiting"], ids["Stories"])  # never the parking lot
    assert came.message == "Carried forward from 'Gathering' (Group): 2 clusters."
    assert engine.vote_targets() == [ids["Waiting"], ids["Stories"], own]
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=ids["Waiting"]), person)
    engine.execute(c.CastVote(target=own), person)
    with pytest.raises(Rejected, match="not one of the things being voted on"):
        engine.execute(c.CastVote(target=ids["a"]), person)  # a note, not a carried cluster
    with pytest.raises(Rejected, match="not one of the things being voted on"):
        engine.execute(c.CastVote(target=ids["Later"]), person)
    assert engine.state.tally(ON_CLUSTERS) == {ids["Waiting"]: 1, own: 1}


def test_going_back_to_the_source_loses_nothing_and_new_items_are_carried():
    engine = carry_engine()
    person = join(engine)
    ids = gathered(engine)
    go(engine, ON_CLUSTERS)
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=ids["Stories"]), person)
    engine.execute(c.PreviousStep())  # back to the options ...
    go(engine, GROUP)  # ... and to the clustering, to add a theme
    more = engine.execute(c.CreateCluster(label="Money", notes=[ids["e"]])).data["cluster"]
    go(engine, ON_CLUSTERS)
    assert engine.vote_targets() == [ids["Waiting"], ids["Stories"], more]
    assert engine.state.tally(ON_CLUSTERS) == {ids["Stories"]: 1}
    assert engine.state.step_state(ON_CLUSTERS).vote == "open"


def test_top_carries_the_items_with_most_dots_ties_included_and_said():
    engine = carry_engine()
    people = [join(engine) for _ in range(3)]
    ids = gathered(engine)
    go(engine, ON_TOP)
    assert engine.carried().message == (  # type: ignore[union-attr]
        "Nothing carried forward from 'Gathering' (Vote on themes): it has not run yet."
    )
    go(engine, THEME_VOTE)
    engine.execute(c.OpenVote())
    go(engine, ON_TOP)
    assert engine.carried().message == (  # type: ignore[union-attr]
        "Nothing carried forward from 'Gathering' (Vote on themes): no dots were placed in "
        "its vote."
    )
    go(engine, THEME_VOTE)
    engine.execute(c.CastVote(target=ids["Stories"]), people[0])
    go(engine, ON_TOP)
    came = engine.carried()
    assert came is not None and came.ids == (ids["Stories"],)  # only what got a dot
    go(engine, THEME_VOTE)
    engine.execute(c.CastVote(target=ids["Stories"]), people[1])
    engine.execute(c.CastVote(target=ids["Waiting"]), people[2])
    go(engine, ON_TOP)
    came = engine.carried()
    assert came is not None and came.ids == (ids["Stories"], ids["Waiting"])
    assert came.message == ("Carried forward from 'Gathering' (Vote on themes): the top 2 by dots.")


def test_top_items_counts_ties_at_the_cut():
    tally = {"a": 3, "b": 2, "c": 2, "d": 1}
    assert top_items(tally, ["d", "c", "b", "a", "e"], 2) == (["a", "c", "b"], 2)
    assert top_items(tally, ["a", "b", "c", "d"], 1) == (["a"], 0)
    assert top_items(tally, ["a", "b", "c", "d", "e"], 9) == (["a", "b", "c", "d"], 0)
    assert top_items({}, ["a"], 3) == ([], 0)


def test_top_says_when_a_tie_carries_more():
    engine = carry_engine()
    people = [join(engine) for _ in range(3)]
    ids = gathered(engine)
    go(engine, GROUP)
    money = engine.execute(c.CreateCluster(label="Money", notes=[ids["e"]])).data["cluster"]
    go(engine, THEME_VOTE)
    engine.execute(c.OpenVote())
    for person, target in zip(people, ("Waiting", "Stories", None), strict=True):
        engine.execute(c.CastVote(target=ids[target] if target else money), person)
    go(engine, ON_TOP)
    came = engine.carried()
    assert came is not None and len(came.ids) == 3
    assert came.message == (
        "Carried forward from 'Gathering' (Vote on themes): the top 2 by dots, "
        "3 voted-on items with a tie at 1 dot."
    )


def test_cluster_carries_the_notes_of_one_cluster():
    engine = carry_engine()
    person = join(engine)
    ids = gathered(engine)
    go(engine, ON_CLUSTER)
    came = engine.carried()
    assert came is not None and came.ids == (ids["a"], ids["b"])  # "waiting" matches Waiting
    assert came.message == (
        "Carried forward from 'Gathering' (Group): 2 notes of the cluster 'Waiting'."
    )
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=ids["b"]), person)
    with pytest.raises(Rejected, match="not one of the things"):
        engine.execute(c.CastVote(target=ids["c"]), person)
    go(engine, GROUP)
    engine.execute(c.RenameCluster(cluster=ids["Waiting"], label="Delays"))
    go(engine, ON_CLUSTER)
    came = engine.carried()
    assert came is not None and came.ids == ()
    assert came.message == (
        "Nothing carried forward from 'Gathering' (Group): it has no cluster called "
        "'waiting' (its clusters: 'Delays', 'Stories', 'Later')."
    )
    assert engine.state.tally(ON_CLUSTER) == {ids["b"]: 1}  # the dot already cast stays


def test_notes_carried_never_include_hidden_ones():
    engine = carry_engine()
    ids = gathered(engine)
    engine.execute(c.HideNote(note=ids["c"]))
    go(engine, ON_WRITE)
    came = engine.carried()
    assert came is not None
    assert came.ids == tuple(ids[k] for k in "abde")
    assert came.message == "Carried forward from 'Gathering' (Write): 4 notes."


def test_nothing_written_in_the_source_says_so():
    engine = carry_engine()
    go(engine, WRITE)
    go(engine, GROUP)
    go(engine, ON_WRITE)
    assert engine.carried().message == (  # type: ignore[union-attr]
        "Nothing carried forward from 'Gathering' (Write): no notes are there."
    )
    go(engine, ON_CLUSTERS)
    assert engine.carried().message == (  # type: ignore[union-attr]
        "Nothing carried forward from 'Gathering' (Group): no clusters were made there."
    )


def test_a_talk_item_is_one_timed_slot_without_input():
    engine = carry_engine()
    go(engine, TALK)
    item, step = engine.step_def()
    assert (item.kind, item.title, step) == ("talk", "Why we choose", None)
    assert engine.state.timer.duration == 10 * 60
    assert engine.carried() is None and engine.vote_targets() == []
    person = join(engine)
    with pytest.raises(Rejected):
        engine.execute(c.AddNote(text="hello"), person)
    engine.execute(c.NextStep())
    assert engine.state.step_key == OPTIONS
