"""Money in the plan: exact amounts (`money`), the price list (`prices`), calls' costs (`costs`).

The planner builds calls without prices; `costs.price_plan` puts a monthly cost change on them
afterwards, so a missing or partial price list never changes which calls are planned.
"""
