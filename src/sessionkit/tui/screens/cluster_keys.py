"""The run screen's board keys for clustering: select, group, rename, merge, move and
park, with the focus helpers they and the note keys share (which note or cluster the
cursor is on, which notes are chosen).

A mixin of :class:`~sessionkit.tui.screens.run.RunScreen`, kept apart so the run screen
stays about drawing; like its other keys, each becomes one engine command through
``link`` and the board is redrawn from the engine's state, never edited here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from sessionkit.core import commands as c
from sessionkit.core.state import Note
from sessionkit.core.text import first_words
from sessionkit.tui.board_model import BoardModel
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import Picker, TextPrompt
from sessionkit.tui.widgets.board import Board


class ClusterKeys(SessionScreen):
    selected: set[str]
    """The notes chosen with x, by id (the run screen's)."""
    model: BoardModel

    def _show_info(self) -> None:
        """Redraw the line about the board (the run screen's)."""
        raise NotImplementedError

    def _refresh_footer(self) -> None:
        """Redraw the key bar (the run screen's)."""
        raise NotImplementedError

    # ------------------------------------------------------------ focus helpers

    @property
    def board(self) -> Board:
        return self.query_one(Board)

    def _focused_note(self, *, quiet: bool = False) -> Note | None:
        row = self.board.current_row
        if row is not None and row.kind == "note":
            return cast(Note, row.ref)  # a note row's ref is its Note (board_model)
        if not quiet:
            self.notify("Move the cursor to a note first (↑ ↓).", markup=False)
        return None

    def _chosen_notes(self) -> list[str]:
        """The selected notes in board order, else the focused note."""
        if self.selected:
            return [r.key for r in self.model.rows if r.kind == "note" and r.key in self.selected]
        note = self._focused_note()
        return [note.id] if note else []

    def _focused_cluster(self) -> str | None:
        row = self.board.current_row
        if row is None:
            return None
        if row.kind == "section":
            return row.key
        if row.kind == "note":
            cluster = row.ref.cluster
            return cluster if cluster in self.engine.state.clusters else None
        return None

    # ------------------------------------------------------------ clustering

    def _toggle(self, note_id: str) -> None:
        if note_id in self.selected:
            self.selected.discard(note_id)
        else:
            self.selected.add(note_id)
        self.board.set_selected(frozenset(self.selected))
        self._show_info()
        self._refresh_footer()

    def action_select(self) -> None:
        note = self._focused_note()
        if note is None:
            return
        self._toggle(note.id)
        self.board.action_cursor(1)  # mark and move on, like a file manager

    def action_clear_selection(self) -> None:
        self.selected.clear()
        self.board.set_selected(frozenset())
        self._show_info()
        self._refresh_footer()

    def action_group(self) -> None:
        if not self.applies("group", ()):
            self.not_here("Grouping happens on a clustering step.")
            return
        ids = self._chosen_notes() if (self.selected or self._focused_note(quiet=True)) else []

        def named(label: str | None) -> None:
            if not label:
                return
            event = self.link.do(c.CreateCluster, label=label, notes=ids)
            if event is not None:
                self.selected.clear()
                self.refresh_session()
                if not ids:
                    self.board.move_to_key("section", event.data["cluster"])

        what = f"{len(ids)} note{'s' * (len(ids) != 1)}" if ids else "an empty cluster"
        self.app.push_screen(
            TextPrompt(
                f"Name the new cluster ({what})",
                placeholder="e.g. People don't know who to call",
                max_length=80,
            ),
            named,
        )

    def _with_cluster(
        self, title: str, then: Callable[[str], None], exclude: str | None = None
    ) -> None:
        """Run ``then(cluster_id)`` on the focused cluster, or on one picked from a list
        when the cursor is not on a cluster (so the key never does nothing)."""
        cluster_id = self._focused_cluster()
        if cluster_id is not None:
            then(cluster_id)
            return
        choices = self._cluster_choices(exclude=exclude)
        if not choices:
            self.not_here(
                "There are no clusters yet: select notes with x, then g groups them.",
                title="No clusters yet",
            )
            return
        self.app.push_screen(
            Picker(title, choices), lambda picked: then(picked) if picked else None
        )

    def action_rename(self) -> None:
        if not self.applies("rename", ()):
            self.not_here("Clusters are renamed on a clustering step.")
            return

        def rename(cluster_id: str) -> None:
            cluster = self.engine.state.clusters[cluster_id]

            def named(label: str | None) -> None:
                if label and label != cluster.label:
                    self.link.do(c.RenameCluster, cluster=cluster_id, label=label)

            self.app.push_screen(
                TextPrompt(
                    f"Rename the cluster “{first_words(cluster.label)}”",
                    cluster.label,
                    max_length=80,
                ),
                named,
            )

        self._with_cluster("Rename which cluster?", rename)

    def _cluster_choices(self, exclude: str | None = None) -> list[tuple[str, str]]:
        key = self.engine.state.step_key
        return [
            (
                cl.id,
                ("Parking lot: " if cl.parking and cl.label != "Parking lot" else "") + cl.label,
            )
            for cl in self.engine.state.clusters.values()
            if cl.step == key and cl.id != exclude
        ]

    def action_merge(self) -> None:
        if not self.applies("merge", ()):
            self.not_here("Clusters are merged on a clustering step.")
            return

        def merge(source: str) -> None:
            choices = self._cluster_choices(exclude=source)
            label = self.engine.state.clusters[source].label
            if not choices:
                self.not_here(
                    f"“{first_words(label)}” is the only cluster on this step, so there is "
                    "no other to merge it with. To make another: select notes with x, then "
                    "g groups them.",
                    title="Nothing to merge with",
                )
                return

            def chosen(target: str | None) -> None:
                if target and self.link.do(c.MergeClusters, source=source, target=target):
                    self.board.move_to_key("section", target)

            self.app.push_screen(Picker(f"Merge “{label}” into…", choices), chosen)

        self._with_cluster("Merge which cluster (into another)?", merge)

    def action_move_to(self) -> None:
        if not self.applies("move_to", ()):
            self.not_here("Notes are moved between clusters on a clustering step.")
            return
        if not self.selected and self._focused_note(quiet=True) is None:
            self.not_here("Select notes with x (or move the cursor to one) first.")
            return
        ids = self._chosen_notes()
        choices = [*self._cluster_choices(), ("-", "(not in a cluster)"), ("+", "New cluster…")]

        def chosen(target: str | None) -> None:
            if target is None:
                return
            if target == "+":
                self.action_group()
                return
            cluster = None if target == "-" else target
            notes = self.engine.state.notes
            moves = [
                c.MoveNote(note=i, cluster=cluster) for i in ids if notes[i].cluster != cluster
            ]
            if moves and self.link.do_many(moves):
                self.action_clear_selection()

        self.app.push_screen(
            Picker(f"Move {len(ids)} note{'s' * (len(ids) != 1)} to…", choices), chosen
        )

    def action_park(self) -> None:
        ids = self._chosen_notes()
        if not ids:
            return
        state = self.engine.state
        key = state.step_key
        parking = next(
            (cl.id for cl in state.clusters.values() if cl.step == key and cl.parking), None
        )
        if parking is None:
            done = (
                self.link.do(c.CreateCluster, label="Parking lot", notes=ids, parking=True)
                is not None
            )
        else:
            moves = [
                c.MoveNote(note=i, cluster=parking)
                for i in ids
                if state.notes[i].cluster != parking
            ]
            done = bool(moves) and self.link.do_many(moves) > 0
        if done:
            self.action_clear_selection()
