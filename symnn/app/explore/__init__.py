"""``symnn explore``: the lecture's "Let's test this" as a local web page that shows the formula behind every unit.

The page (``static/``) holds each tab's state; every request carries the network it is
about, so tabs never share state. The server only keeps caches of immutable symbolic work
per network (``spec.py``) and the digit networks, trained once. Modules: ``validate``
(request bodies → checked values, with the command line's messages), ``spec`` (the
network a request describes, and its cached symbolic objects), ``panels`` (the Network,
Collapse and Numbers panels' answers), ``playground`` (toy data, streamed training,
decision boundaries), ``digits_panel``, ``exports`` (.tex/.pdf/.html as ``symnn derive``
writes them), ``server`` (the Starlette app) and ``run`` (uvicorn, the URL, Ctrl-C).
"""
