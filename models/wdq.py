"""The Weighted Displacement Quotient (Bowers and Johnson 2003).

With ``R`` the targeted area, ``B`` a buffer ring around it and ``C`` a control area, and
counts before (``b``) and after (``a``) the intervention:

    success measure  = R_a / C_a - R_b / C_b
    buffer measure   = B_a / C_a - B_b / C_b
    WDQ              = buffer measure / success measure

The quotient is read only when the success measure is negative (crime fell in the target
relative to the control). Then a WDQ above 0 means **diffusion of benefit** (the buffer
improved too; above 1, more than the target), below 0 means **displacement** (the buffer
got worse; between -1 and 0, by less than the target gained, so the net effect is still a
benefit), and about 0 neither. Bowers, K. J. and Johnson, S. D. (2003), "Measuring the
geographical displacement and diffusion of benefit effects of crime prevention activity",
Journal of Quantitative Criminology 19(3), 275-301.
"""

from __future__ import annotations

import dataclasses
import math


@dataclasses.dataclass(frozen=True)
class WdqResult:
    """A WDQ and its parts.

    Attributes
    ----------
    success : float
        ``R_a / C_a - R_b / C_b`` (negative: the target improved against the control).
    buffer : float
        ``B_a / C_a - B_b / C_b`` (negative: the buffer improved against the control).
    wdq : float
        ``buffer / success``; NaN when the success measure is zero or a control count is 0.
    reading : str
        ``"diffusion of benefit"``, ``"displacement"``, ``"no displacement or diffusion"``
        or ``"not interpretable (no fall in the target against the control)"``.
    """

    success: float
    buffer: float
    wdq: float
    reading: str


def wdq(
    target_before: float,
    target_after: float,
    buffer_before: float,
    buffer_after: float,
    control_before: float,
    control_after: float,
    neutral: float = 0.05,
) -> WdqResult:
    """The Weighted Displacement Quotient of one intervention.

    Parameters
    ----------
    target_before, target_after : float
        Incidents in the targeted area before and after (equal-length periods, or monthly
        means).
    buffer_before, buffer_after : float
        Incidents in the buffer ring.
    control_before, control_after : float
        Incidents in the control area.
    neutral : float
        WDQ values within ``±neutral`` read as neither displacement nor diffusion.

    Returns
    -------
    WdqResult
    """
    if control_before <= 0 or control_after <= 0:
        return WdqResult(math.nan, math.nan, math.nan, "not interpretable (no incident in the control area)")
    success = target_after / control_after - target_before / control_before
    buffer = buffer_after / control_after - buffer_before / control_before
    if success >= 0:
        return WdqResult(success, buffer, math.nan, "not interpretable (no fall in the target against the control)")
    quotient = buffer / success
    if abs(quotient) <= neutral:
        reading = "no displacement or diffusion"
    elif quotient > 0:
        reading = "diffusion of benefit"
    else:
        reading = "displacement"
    return WdqResult(success, buffer, quotient, reading)
