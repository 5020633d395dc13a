from __future__ import annotations

from contracts.core.suggest import did_you_mean, distance, nearest, renamed_from, words


def test_words_split_every_style() -> None:
    assert words("setMeasurepointInfo") == ["set", "measurepoint", "info"]
    assert words("fail_wait_retry") == ["fail", "wait", "retry"]
    assert words("X-Auth-Token") == ["x", "auth", "token"]
    assert words("HTTPServerID") == ["http", "server", "id"]


def test_distance_counts_transpositions_once() -> None:
    assert distance("status", "statsu") == 1
    assert distance("abc", "abc") == 0
    assert distance("", "abc") == 3


def test_renamed_from() -> None:
    assert renamed_from("measurepointSetInfo", ["setMeasurepointInfo", "serviceInvokeInfo"]) == (
        "setMeasurepointInfo", "the same words in another order")
    assert renamed_from("task_id", ["taskId"]) == ("taskId", "the same words in another case or separator style")
    assert renamed_from("deviceKye", ["deviceKey", "productKey"]) == ("deviceKey", "an edit distance of 1")
    assert renamed_from("colour", ["name", "status"]) is None


def test_nearest_and_did_you_mean() -> None:
    assert nearest("pending", ["PENDING", "SENT"]) == "PENDING"
    assert nearest("PENDDING", ["PENDING", "SENT"]) == "PENDING"
    assert did_you_mean("getjob", ["getJob", "createJob"]) == "; did you mean 'getJob'?"
    assert did_you_mean("zzzzzz", ["getJob"]) == "; expected one of: 'getJob'"
