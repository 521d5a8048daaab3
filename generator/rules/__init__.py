"""The policy's rules, one module per part of the rule catalogue (DESIGN section 5).

Each module is a set of pure functions from the loaded records (and the as-of date) to
result values: actions, alerts, grades, placements, postings. A rule module imports only
`shared` (the result shapes, the policy in force, decimals, the stint on a date), never
another rule module; `compute` runs them in order. Findings about bad records are not
made here: they belong to the check stage (`generator.checks`).
"""
