# R anchor for the analytic ETS prediction intervals of @pelbiot/ml: fits each listed form with forecast::ets on a
# reference or M1 series and prints, as JSON, what forecast() reports for it (mean and 80/95 % bounds) together with
# the fitted parameters, final state and sigma2, so the test can rebuild the same fit and compare the intervals.
#   Rscript ets-intervals-anchor.R <fixtures/ml folder> > ../test/forecasting/fixtures/ets-intervals-r.json
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
root <- args[1]
classic <- function(name, frequency) {
  values <- read.csv(file.path(root, "forecasting", paste0(name, ".csv")))$value
  ts(values, frequency = frequency)
}
m1 <- read.csv(file.path(root, "forecasting", "m1", "m1.csv"), stringsAsFactors = FALSE)
m1meta <- read.csv(file.path(root, "forecasting", "m1", "m1_series.csv"), stringsAsFactors = FALSE)
m1series <- function(id) {
  row <- m1meta[m1meta$id == id, ]
  ts(m1$value[m1$id == id & m1$split == "train"], frequency = row$frequency)
}
cases <- list(
  list("AirPassengers", classic("AirPassengers", 12), c("ANA", "AAA", "AAdA", "MNA", "MAA", "MAdA", "MNM", "MAM"), 24),
  list("UKgas", classic("UKgas", 4), c("ANA", "MNA", "MAA", "MNM", "MAM"), 12),
  list("USAccDeaths", classic("USAccDeaths", 12), c("ANA", "MNM", "MAM"), 18),
  list("YAF2", m1series("YAF2"), c("ANN", "AAN", "AAdN", "MNN", "MAN", "MAdN"), 6),
  list("QRF2", m1series("QRF2"), c("MNM", "MAM", "MAdA"), 8),
  list("MNM46", m1series("MNM46"), c("MNN", "MAdN", "MNM"), 18)
)
num <- function(v) paste(sprintf("%.17g", v), collapse = ", ")
entries <- character(0)
for (case in cases) {
  for (code in case[[3]]) {
    damped <- grepl("d", code)
    model <- gsub("d", "", code)
    fit <- ets(case[[2]], model = model, damped = damped)
    h <- case[[4]]
    f <- forecast(fit, h = h, level = c(80, 95))
    state <- fit$states[nrow(fit$states), ]
    m <- frequency(case[[2]])
    seasonal <- if (substr(code, nchar(code), nchar(code)) == "N") numeric(0) else state[grepl("^s", names(state))]
    par <- fit$par
    get <- function(name, default) if (name %in% names(par)) par[[name]] else default
    entries <- c(entries, sprintf(paste0(
      '{"series": "%s", "code": "%s", "period": %d, "alpha": %s, "beta": %s, "gamma": %s, "phi": %s, ',
      '"level": %s, "trend": %s, "seasonal": [%s], "sigma2": %s, "mean": [%s], "lower80": [%s], "upper80": [%s], ',
      '"lower95": [%s], "upper95": [%s]}'),
      case[[1]], code, if (length(seasonal) > 0) m else 1L, num(get("alpha", 0)), num(get("beta", 0)),
      num(get("gamma", 0)), num(get("phi", 1)), num(state[["l"]]), num(if ("b" %in% names(state)) state[["b"]] else 0),
      num(seasonal), num(fit$sigma2), num(f$mean), num(f$lower[, 1]), num(f$upper[, 1]), num(f$lower[, 2]),
      num(f$upper[, 2])))
  }
}
cat(sprintf('{"generator": "R %s.%s, forecast %s", "cases": [\n%s\n]}\n', R.version$major, R.version$minor,
  packageVersion("forecast"), paste(entries, collapse = ",\n")))
