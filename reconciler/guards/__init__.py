"""What stops a plan bigger than intended: thresholds, the daily Heavy budget, the project file.

`thresholds` holds the guard rails (accounts changed, seats removed, monthly increase) and their
flags; `budget` counts the day's Heavy calls against Zoom's cap before apply sends anything;
`project` reads zoomplans.yaml, where a team sets its default guard rails and price list.
"""
