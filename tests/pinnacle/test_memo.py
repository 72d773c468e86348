"""A page's memo: within it a question is read once; outside it, every time."""

from pinnacle.memo import page_memo, remember


def counter():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    return read, reads


def test_outside_a_page_every_call_reads():
    read, _ = counter()
    assert [remember("q", read), remember("q", read)] == [1, 2]


def test_within_a_page_a_question_is_read_once():
    read, reads = counter()
    other, _ = counter()
    with page_memo():
        assert [remember("q", read), remember("q", read)] == [1, 1]
        assert remember("another", other) == 1
        with page_memo():  # a selector the page calls opens its own: the page's is kept
            assert remember("q", read) == 1
    assert len(reads) == 1
    # The page's memo ends with it.
    assert remember("q", read) == 2
