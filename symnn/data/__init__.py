"""Data sets symnn ships or reads: the lecture's 7×5 digits and their relatives."""
