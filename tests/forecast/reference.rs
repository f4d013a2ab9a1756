//! Figures against an independent reference: `tests/forecast/reference.py`
//! computed WAPEs with numpy and forecasts with statsmodels' Holt–Winters
//! on the series it wrote (`tests/data/forecast/series.json`), and saved
//! them in `tests/data/forecast/reference.json`. Run it again to refresh
//! both (it needs numpy and statsmodels; this test does not).

use serde_json::Value;
use switchboard::Timestamp;
use switchboard::metrics::Interval;
use switchboard::plan::forecast::{Forecaster, History, Horizon, Model};

use crate::traffic::wape;

fn read(name: &str) -> Value {
    let path = format!("{}/tests/data/forecast/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn history(series: &Value) -> History {
    History::new(
        Timestamp::from_millis(series["start"].as_u64().unwrap()),
        Interval::from_minutes(series["interval_minutes"].as_u64().unwrap() as u32).unwrap(),
        series["time_zone"].as_str().unwrap(),
        floats(&series["history"]),
    )
    .unwrap()
}

/// The hold-out WAPE of the naive and of the 2- and 3-week means, as
/// numpy computes them from the same weeks.
#[test]
fn holdout_wape_matches_numpy() {
    let (series, reference) = (read("series.json"), read("reference.json"));
    let f = Forecaster::new()
        .forecast(&history(&series), Horizon::Days(7))
        .unwrap();
    for (model, key) in [
        (Model::Naive, "naive"),
        (Model::SeasonalMean { weeks: 2 }, "seasonal_mean_2"),
        (Model::SeasonalMean { weeks: 3 }, "seasonal_mean_3"),
    ] {
        let ours = f
            .candidates
            .iter()
            .find(|c| c.model == model)
            .unwrap()
            .wape
            .unwrap();
        let theirs = reference["holdout_wape"][key].as_f64().unwrap();
        eprintln!("hold-out WAPE of {model}: {ours:.12} here, {theirs:.12} in numpy");
        assert!(
            (ours - theirs).abs() < 1e-12,
            "{model}: {ours} against {theirs}"
        );
    }
    assert_eq!(f.naive_wape, reference["holdout_wape"]["naive"].as_f64());
}

/// Holt–Winters with fixed parameters and the same initial state
/// forecasts what statsmodels' `ExponentialSmoothing` forecasts.
#[test]
fn holt_winters_matches_statsmodels() {
    let (series, reference) = (read("series.json"), read("reference.json"));
    let hw = &reference["holt_winters_fixed"];
    let model = Model::HoltWinters {
        alpha: hw["alpha"].as_f64().unwrap(),
        gamma: hw["gamma"].as_f64().unwrap(),
    };
    let f = Forecaster::new()
        .forecast_with(&history(&series), &model, Horizon::Days(7))
        .unwrap();
    let theirs = floats(&hw["forecast"]);
    assert_eq!(f.intervals.len(), theirs.len());
    let (last, rest) = f.intervals.split_last().unwrap();
    let mut worst = 0.0f64;
    for (ours, theirs) in rest.iter().zip(&theirs) {
        worst = worst.max((ours.volume - theirs.max(0.0)).abs());
    }
    // A week ahead, statsmodels takes the slot's seasonal term from
    // before its last update; the textbook (and this crate) the updated
    // one, which statsmodels' own fitted states give.
    let textbook = hw["last_from_states"].as_f64().unwrap();
    worst = worst.max((last.volume - textbook.max(0.0)).abs());
    assert!((last.volume - theirs[theirs.len() - 1]).abs() > 1e-3);
    eprintln!(
        "Holt-Winters (alpha 0.01, gamma 0.3) against statsmodels {}: largest difference {worst:.2e} over {} intervals",
        reference["statsmodels"],
        theirs.len()
    );
    assert!(worst < 1e-9, "{worst}");
}

/// The chosen model on the week no model saw, beside the naive and
/// statsmodels' own Holt–Winters (parameters and initial state
/// estimated by maximum likelihood).
#[test]
fn the_chosen_model_against_statsmodels_on_the_unseen_week() {
    let (series, reference) = (read("series.json"), read("reference.json"));
    let f = Forecaster::new()
        .forecast(&history(&series), Horizon::Days(7))
        .unwrap();
    let unseen = floats(&series["unseen"]);
    let volumes: Vec<f64> = f.intervals.iter().map(|i| i.volume).collect();
    let ours = wape(&unseen, &volumes);
    let naive = reference["unseen_wape_naive"].as_f64().unwrap();
    let sm = &reference["holt_winters_estimated"];
    let sm_unseen = sm["unseen_wape"].as_f64().unwrap();
    eprintln!(
        "reference series: chose {} (hold-out WAPE {:.2} %, naive {:.2} %, statsmodels' estimated Holt-Winters {:.2} %)",
        f.model,
        f.wape.unwrap() * 100.0,
        f.naive_wape.unwrap() * 100.0,
        sm["holdout_wape"].as_f64().unwrap() * 100.0
    );
    eprintln!(
        "unseen week WAPE: chosen {:.2} %, naive {:.2} %, statsmodels' estimated Holt-Winters {:.2} %, \
         the expected volumes themselves {:.2} %",
        ours * 100.0,
        naive * 100.0,
        sm_unseen * 100.0,
        reference["unseen_wape_expected"].as_f64().unwrap() * 100.0
    );
    assert!(ours < naive);
    assert!(
        ours < sm_unseen * 1.05,
        "{ours} against statsmodels' {sm_unseen}"
    );
}
