"""The organization department's own view: what is due, who to watch, each cadre's record.

Built by the same pipeline as the public site (`cadre build --audience internal`) from the
full results and the records themselves, private fields included. It is never published:
its folder carries its own marker, `cadre build` never writes it where a public build lives
(or the reverse), `cadre audit-site` refuses it, and `cadre serve` shows it on 127.0.0.1
only.
"""
