"""The rules: one small function per regulatory paragraph, each citing it.

Modules are named for the area of the EAR they hold: `classification` (part 774),
`jurisdiction` (part 734), `licensing` (parts 742, 744, 746), `exceptions` (part 740),
`prohibitions` (part 736). `registry` lists them all for the generated documentation.
"""
