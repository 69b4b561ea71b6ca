"""A red-team suite: hundreds of hostile or careless inputs to symnn, each run in a long-lived worker
process under a memory cap and a time limit, each with its expected clean outcome (issue 10, item 5).

- ``cases.py``: the case table (``CASES``), each case a small description of one input;
- ``worker.py``: a worker process that imports symnn once and runs case ids read from stdin;
- ``runner.py``: a pool of workers that kills and replaces one that dies or hangs;
- ``test_redteam.py``: one pytest id per case.
"""
