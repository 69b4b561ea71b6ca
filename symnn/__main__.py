"""``python -m symnn`` runs the same command as ``symnn``."""

from symnn.app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
