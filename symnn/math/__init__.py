"""Facts about networks, as SymPy objects and plain data: equality checks, exact evaluation, collapse, witnesses, merge, derivations and proofs."""
