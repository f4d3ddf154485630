"""The pure domain core: frozen values and the rules over them. Standard library only."""
