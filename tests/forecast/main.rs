//! Volume forecasting (`switchboard::plan::forecast`): on seeded seasonal
//! traffic with Poisson noise the chosen model beats the naive "same
//! interval last week" on a week neither has seen; noise-free traffic is
//! forecast exactly; a change of level is followed; weeks of
//! daylight-saving changes in Europe/Berlin keep the wall-clock slots;
//! a report's missing intervals are zeros; bad input gets a typed error;
//! no input panics or forecasts NaN or a negative volume; and figures
//! agree with statsmodels and with WAPE computed in Python.

mod accuracy;
mod dst;
mod errors;
mod properties;
mod reference;
mod report;
mod traffic;
