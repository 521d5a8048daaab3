"""Records-as-code for a county's cadre promotion and demotion mechanism (能上能下).

The pipeline is load -> check -> compute -> project -> render; each stage is a module of
pure functions, and only `cli` touches the terminal.
"""
