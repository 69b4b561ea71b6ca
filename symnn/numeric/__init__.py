"""NumPy: parameters, the compiled forward pass, gradients, training, cross-checks against the exact form, readers for other libraries."""
