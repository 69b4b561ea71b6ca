"""Files and people: atomic writes, the derivation catalog and documents, pictures, the tour, digit classification, the command line."""
