"""Worker results travel pickled and are unpickled in the parent only when their turn comes."""

from __future__ import annotations

import pickle

from checker.batch import WorkerPool, _Pending
from checker.model import Result
from checker.pipeline import CheckOptions


def test_a_result_that_will_not_unpickle_is_an_internal_error_for_its_file():
    pool = WorkerPool(2, CheckOptions(), 60, [])
    for payload in (b"not a pickle", pickle.dumps({"not": "a result"})):
        result = pool._unpack(_Pending("a.docx", payload))
        assert result.path == "a.docx" and result.status == "error" and result.error.code == "internal"


def test_a_pickled_result_comes_back_whole():
    pool = WorkerPool(2, CheckOptions(lang="en"), 60, [])
    sent = Result(path="b.txt", status="checked")
    assert pool._unpack(_Pending("b.txt", pickle.dumps(sent))) == sent
    assert pool._unpack(sent) is sent  # made in the parent (timeouts, crashes): as it is
