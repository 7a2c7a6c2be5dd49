"""Zoom's plan groups: how each group's plans are read, compared and bounded.

`normalise` is the one reading of Zoom's plan shapes (desired YAML and live answer alike);
`host_ceilings` is Zoom's rule tying some add-ons' seats to the base plan's seats. This package
is also the home of the one declarative table of Zoom's plan groups (issue 12), so that the
group knowledge the planner, import and apply share lives in one place.
"""
