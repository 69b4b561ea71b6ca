"""The lecture's objects, SymPy only: symbols and their names, activations, the safe formula parser, Neuron/Layer/Network, printing."""
