"""Migration operations more than one app needs."""

from django.contrib.postgres.operations import TrigramExtension


class KeepTrigramExtension(TrigramExtension):
    """pg_trgm, created when missing and never dropped going back: the leads' and the members'
    trigram indexes both need it, and undoing one app's index must not pull it from under the
    other's."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass
