"""`--dist loadgroup` kept working on pytest 9.2.

pytest-xdist 3.8 sends a test's `xdist_group` to the scheduler as a `@group` suffix of its node id,
written to `item._nodeid`; pytest 9.2 keeps node ids in `item._id`, so the suffix is lost and the
groups are spread over every worker, silently (pytest-dev/pytest-xdist#1386). This plugin writes
the suffix where pytest reads it; once pytest-xdist does so itself, it finds it there and does
nothing.
"""

import pytest
from _pytest.nodeid import NodeId


def group_of(item: pytest.Item) -> str | None:
    """The item's group name as pytest-xdist spells it (several groups joined), or None."""
    names = {
        mark.args[0] if mark.args else mark.kwargs.get("name", "default")
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(map(str, names))) or None


class LoadGroupIds:
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]):
        # pytest-xdist sets `loadgroup` on its workers only, under `--dist loadgroup`.
        if not getattr(config.option, "loadgroup", False):
            return
        for item in items:
            group = group_of(item)
            if group and not item.nodeid.endswith(f"@{group}"):
                item._id = NodeId.parse(f"{item.nodeid}@{group}")
