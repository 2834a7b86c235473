# R anchor for the automatic ARIMA of @pelbiot/ml: runs forecast::auto.arima (and forecast::ets for timing) on M1
# series from fixtures/ml/forecasting/m1 and prints one CSV row per series:
#   id,order,constant,aicc,sigma2,cpu_arima_ms,cpu_ets_ms,mean,lo80,hi80,lo95,hi95
# (the last five are ";"-separated over the horizon). Usage:
#   Rscript arima-anchor.R <m1 folder> [every-k-th series] [first index] [categories, e.g. YEARLY,QUARTERLY]
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]
every <- if (length(args) >= 2) as.integer(args[2]) else 1L
first <- if (length(args) >= 3) as.integer(args[3]) else 1L
categories <- if (length(args) >= 4) strsplit(args[4], ",")[[1]] else c("YEARLY", "QUARTERLY", "MONTHLY")
values <- read.csv(file.path(folder, "m1.csv"), stringsAsFactors = FALSE)
meta <- read.csv(file.path(folder, "m1_series.csv"), stringsAsFactors = FALSE)
cat(sprintf("# R %s, forecast %s\n", paste(R.version$major, R.version$minor, sep = "."), packageVersion("forecast")))
cat("id,order,constant,aicc,sigma2,cpu_arima_ms,cpu_ets_ms,mean,lo80,hi80,lo95,hi95\n")
cpu <- function(expr) {
  start <- proc.time()
  value <- force(expr)
  used <- proc.time() - start
  list(value = value, ms = 1000 * (used[["user.self"]] + used[["sys.self"]]))
}
for (index in seq(first, nrow(meta), by = every)) {
  row <- meta[index, ]
  if (!(row$period %in% categories)) next
  train <- values$value[values$id == row$id & values$split == "train"]
  x <- ts(train, start = c(row$start_year, row$start_period), frequency = row$frequency)
  arima <- cpu(forecast(auto.arima(x), h = row$h, level = c(80, 95)))
  ets <- cpu(forecast(ets(x), h = row$h, level = c(80, 95)))
  model <- arima$value$model
  o <- arimaorder(model)
  order <- if (length(o) == 7) sprintf("%d %d %d %d %d %d", o[1], o[2], o[3], o[4], o[5], o[6]) else
    sprintf("%d %d %d 0 0 0", o[1], o[2], o[3])
  constant <- any(c("drift", "intercept") %in% names(model$coef))
  fmt <- function(v) paste(sprintf("%.10g", v), collapse = ";")
  f <- arima$value
  cat(sprintf("%s,%s,%s,%.10g,%.10g,%.0f,%.0f,%s,%s,%s,%s,%s\n", row$id, order, constant, model$aicc, model$sigma2,
    arima$ms, ets$ms, fmt(f$mean), fmt(f$lower[, 1]), fmt(f$upper[, 1]), fmt(f$lower[, 2]), fmt(f$upper[, 2])))
}
