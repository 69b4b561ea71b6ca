"""``python -m symnn`` runs the same command as ``symnn``."""

from symnn.app.cli import entry

if __name__ == "__main__":
    entry()
