# Part of the quality benchmark (bench/quality): writes one object of an R data file as CSV.
# usage: Rscript rda2csv.R <in.rda> <object> <out.csv>
# Loads an R data file and writes one object as CSV (UTF-8, ISO timestamps in UTC, NA -> empty).
args <- commandArgs(trailingOnly = TRUE)
e <- new.env(); load(args[1], envir = e)
d <- as.data.frame(get(args[2], envir = e))
for (n in names(d)) {
  if (inherits(d[[n]], "POSIXt")) d[[n]] <- format(d[[n]], "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
  else if (inherits(d[[n]], "Date")) d[[n]] <- format(d[[n]], "%Y-%m-%d")
  else if (is.factor(d[[n]])) d[[n]] <- as.character(d[[n]])
}
write.csv(d, args[3], row.names = FALSE, na = "", fileEncoding = "UTF-8")
cat(args[2], nrow(d), "rows x", ncol(d), "cols ->", args[3], "\n")
