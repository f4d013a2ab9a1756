"""An independent reference for tests/forecast/reference.rs.

Writes tests/data/forecast/series.json: five weeks of half-hourly
conversation counts (Poisson draws around a weekday x time-of-day shape,
numpy's generator, seed 20261102), from Monday 2026-11-02 00:00 UTC; the
first four weeks are the history, the fifth the week no model sees.

Writes tests/data/forecast/reference.json, computed here without the
crate:

* the hold-out WAPE (sum |actual - forecast| / sum actual over the
  fourth week) of the naive forecast (the third week) and of the mean
  of the same interval over the 2 and 3 weeks before the hold-out;
* statsmodels' additive Holt-Winters without trend, its parameters
  fixed (alpha 0.01, gamma 0.3) and its initial state known (level: the
  first week's mean; season: the first week less it), fitted on weeks
  2-4: its forecast of week 5, which the crate's HoltWinters must match
  but for the week's last interval: statsmodels forecasts h = m (and
  every multiple of m) steps ahead from the slot's seasonal term of a
  week before its last update, s[T - m], where the textbook recursion
  (Hyndman and Athanasopoulos, "Forecasting: principles and practice",
  7.3: s[T + h - m(k + 1)], k = floor((h - 1) / m)) and the crate take
  s[T]; so that interval is also given from statsmodels' fitted states
  as level[T] + season[T];
* statsmodels' Holt-Winters with parameters and initial state it
  estimates itself: its WAPE on the hold-out (fitted on weeks 1-3) and
  on the unseen week (fitted on weeks 1-4), to set beside the crate's.

Run: python3 tests/forecast/reference.py   (numpy, statsmodels)
"""

import json
import math
import pathlib

import numpy as np
import statsmodels
from statsmodels.tsa.holtwinters import ExponentialSmoothing

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "forecast"
START_MS = 1_793_577_600_000  # Monday 2026-11-02 00:00 UTC
PER_DAY = 48
WEEK = 7 * PER_DAY
ALPHA, GAMMA = 0.01, 0.3


def expected(weekday, slot):
    """Conversations expected in a half hour: a weekday shape, two peaks."""
    hour = (slot + 0.5) / 2
    day = [1.1, 1.0, 1.0, 0.95, 0.9, 0.5, 0.15][weekday]
    peak = math.exp(-((hour - 11) / 1.6) ** 2 / 2) + 0.8 * math.exp(-((hour - 15) / 2) ** 2 / 2)
    open_ = 8 <= hour < 20 if weekday < 6 else False
    return 40 * day * ((0.3 + peak) if open_ else 0.05) + 0.5


def wape(actual, forecast):
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    return float(np.abs(actual - forecast).sum() / actual.sum())


def main():
    rng = np.random.default_rng(20261102)
    means = [expected((i // PER_DAY) % 7, i % PER_DAY) for i in range(5 * WEEK)]
    values = rng.poisson(means).astype(float)
    history, unseen = values[: 4 * WEEK], values[4 * WEEK :]
    weeks = history.reshape(4, WEEK)

    naive = wape(weeks[3], weeks[2])
    mean2 = wape(weeks[3], weeks[1:3].mean(axis=0))
    mean3 = wape(weeks[3], weeks[0:3].mean(axis=0))

    level0 = weeks[0].mean()
    season0 = weeks[0] - level0
    fixed = ExponentialSmoothing(
        history[WEEK:],
        trend=None,
        seasonal="add",
        seasonal_periods=WEEK,
        initialization_method="known",
        initial_level=level0,
        initial_seasonal=season0,
    ).fit(smoothing_level=ALPHA, smoothing_seasonal=GAMMA, optimized=False)
    fixed_forecast = fixed.forecast(WEEK)

    def estimated(series):
        model = ExponentialSmoothing(
            series, trend=None, seasonal="add", seasonal_periods=WEEK,
            initialization_method="estimated",
        ).fit()
        return np.maximum(model.forecast(WEEK), 0.0), model.params

    hold_forecast, hold_params = estimated(history[: 3 * WEEK])
    next_forecast, next_params = estimated(history)

    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "series.json").write_text(json.dumps({
        "start": START_MS,
        "interval_minutes": 30,
        "time_zone": "UTC",
        "history": history.tolist(),
        "unseen": unseen.tolist(),
    }) + "\n")
    (DATA / "reference.json").write_text(json.dumps({
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "holdout_wape": {"naive": naive, "seasonal_mean_2": mean2, "seasonal_mean_3": mean3},
        "unseen_wape_naive": wape(unseen, weeks[3]),
        "unseen_wape_expected": wape(unseen, means[4 * WEEK :]),
        "holt_winters_fixed": {
            "alpha": ALPHA,
            "gamma": GAMMA,
            "forecast": [float(v) for v in fixed_forecast],
            "last_from_states": float(fixed.level[-1] + fixed.season[-1]),
        },
        "holt_winters_estimated": {
            "holdout_wape": wape(weeks[3], hold_forecast),
            "holdout_alpha": float(hold_params["smoothing_level"]),
            "holdout_gamma": float(hold_params["smoothing_seasonal"]),
            "unseen_wape": wape(unseen, next_forecast),
            "unseen_alpha": float(next_params["smoothing_level"]),
            "unseen_gamma": float(next_params["smoothing_seasonal"]),
        },
    }, indent=1) + "\n")
    print(json.dumps(json.loads((DATA / "reference.json").read_text())["holdout_wape"]))


if __name__ == "__main__":
    main()
