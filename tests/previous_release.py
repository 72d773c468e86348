"""The database of the release before `transactions` and `policy` became apps (their models
lived in `leads` and `members`), for the tests that migrate such a database forward."""

from django.db.migrations.executor import MigrationExecutor

# The leaf migration of every project app in that release.
PREVIOUS_RELEASE = {
    "pinnacle": "0004_acknowledgement_follow_up_days",
    "mail": "0003_suppression_note_suppression_received_via_and_more",
    "members": "0008_policy_version_one_reads_as_the_seed",
    "leads": "0012_solo_team_and_handoff_evaluation",
    "outreach": "0001_initial",
    "comarketing": "0004_sharedlead_media",
    "advocates": "0004_assignment_withdrawn",
}
# What going back to that release undoes: the two moves, nothing else.
THE_MOVES = [
    ("transactions", "0001_initial"),
    ("policy", "0001_initial"),
    ("members", "0009_policy_models_move_to_the_policy_app"),
    ("leads", "0013_transactions_become_their_own_app"),
]


def previous_release_nodes(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    """Every app at its leaf but the project's, which go back to the previous release's (where
    `transactions` and `policy` had no migration yet)."""
    nodes: dict[str, str | None] = dict(executor.loader.graph.leaf_nodes())
    nodes.update(PREVIOUS_RELEASE, transactions=None, policy=None)
    return list(nodes.items())


def undone_going_back(executor: MigrationExecutor) -> set[tuple[str, str]]:
    """The migrations that going back to the previous release undoes: the moves, and whatever
    was added since (a later index, say). Fails if it would undo any of that release's own."""
    plan = executor.migration_plan(previous_release_nodes(executor))
    assert all(backwards for _, backwards in plan)
    undone = {(migration.app_label, migration.name) for migration, _ in plan}
    graph = executor.loader.graph
    released = {
        ancestor for node in PREVIOUS_RELEASE.items() for ancestor in graph.forwards_plan(node)
    }
    assert not undone & released
    return undone


def migrate(executor: MigrationExecutor, targets) -> None:
    """`executor.migrate(targets)`, one migration at a time from the state just before it: the
    same operations, without rendering every state of the project's history on the way back
    (which takes minutes)."""
    for migration, backwards in executor.migration_plan(targets):
        before = executor.loader.project_state((migration.app_label, migration.name), at_end=False)
        if backwards:
            executor.unapply_migration(before, migration)
        else:
            executor.apply_migration(before, migration)


def previous_release_apps(executor: MigrationExecutor):
    """The models as the previous release had them."""
    nodes = [node for node in previous_release_nodes(executor) if node[1] is not None]
    return executor.loader.project_state(nodes).apps
