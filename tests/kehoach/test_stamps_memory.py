"""kehoach.stamps.Memory: values kept in the process while the global stamp is the same."""

from kehoach.stamps import Memory


def test_a_value_is_read_once_per_stamp_and_key_and_only_the_latest_stamp_is_kept():
    reads = []

    def read(value):
        def reader():
            reads.append(value)
            return value

        return reader

    memory = Memory()
    assert memory.get(1, "a", read("a@1")) == "a@1"
    assert memory.get(1, "a", read("again")) == "a@1"
    assert memory.get(1, "b", read("b@1")) == "b@1"
    assert reads == ["a@1", "b@1"]

    # Another stamp: everything is read again, and what the old stamp kept is gone
    assert memory.get(2, "a", read("a@2")) == "a@2"
    assert memory.get(2, "b", read("b@2")) == "b@2"
    assert memory.get(1, "a", read("a@1 again")) == "a@1 again"
    assert reads == ["a@1", "b@1", "a@2", "b@2", "a@1 again"]
