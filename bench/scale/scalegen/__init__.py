"""The national-scale generator's parts (bench/scale/generate.py is its command)."""
