package io.propensity.bench.quality;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One public data set of the quality benchmark and how it is run: where its prepared file lives
 * (bench/quality/SOURCES.md says where it comes from), how the CLI imports it, and the training
 * request, split included. Every choice here was made before the first benchmark run and is the
 * same for every model; none was tuned on results.
 *
 * @param name short name, also the registered model's name
 * @param shop what kind of shop and log, for the table
 * @param file the prepared file: a path below the repository, or a file name in the data cache
 * @param cached whether {@code file} is in the data cache (fetched by fetch-data.sh) rather than in
 *     the repository
 * @param sha256 the prepared file's SHA-256, as SOURCES.md gives it
 * @param importArgs the arguments of {@code propensity import} after the file (empty for a table)
 * @param trainArgs the arguments of {@code propensity train}
 * @param note what the reader of the table should know about this set
 */
record QualityDataset(
    String name,
    String shop,
    String file,
    boolean cached,
    String sha256,
    List<String> importArgs,
    List<String> trainArgs,
    String note) {

  /** Whether this set is a table trained through {@code train --csv} (no import). */
  boolean tabular() {
    return importArgs.isEmpty();
  }

  /** Where the prepared file is, or empty when it has not been fetched. */
  Optional<Path> locate(Path repo, Path cache) {
    Path p = cached ? cache.resolve(file) : repo.resolve(file);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** Every data set, in the order of the table. */
  static List<QualityDataset> all() {
    List<QualityDataset> d = new ArrayList<>();
    // Purchase logs: will a customer active in the recent past buy again within 30 days?
    // Weekly or fortnightly cutoffs over the span the log allows (the last cutoff + 30 days is
    // within the log); the time split tests on the latest quarter of the rows.
    d.add(
        new QualityDataset(
            "uci-online-retail",
            "UK online gift retailer, orders 2010-12 .. 2011-12 (4,372 customers)",
            "bench/quality/data/uci-online-retail.csv.gz",
            false,
            "083fc2199b20cf942f75bc9ffb01492217eba26c168654f78be65175dd0e9750",
            List.of(
                "-o", "user-column=CustomerID",
                "-o", "time-column=InvoiceDate",
                "-o", "type=PURCHASE",
                "-o", "item-column=StockCode",
                "-o", "price-column=UnitPrice",
                "-o", "quantity-column=Quantity",
                "-o", "session-column=InvoiceNo",
                "-o", "event-id-column=",
                "-o", "page-column=",
                "-o", "category-column=",
                "-o", "dwell-column=",
                "-o", "device-column=",
                "-o", "traffic-source-column=",
                "-o", "attributes-column="),
            List.of(
                "--target",
                "purchase",
                "--horizon",
                "30d",
                "--from",
                "2011-03-01T00:00:00Z",
                "--to",
                "2011-11-08T00:00:00Z",
                "--step",
                "7d"),
            "one invoice line per event, the invoice as the session; cancellations (negative"
                + " quantities) are rejected on import"));
    d.add(
        new QualityDataset(
            "ms-store",
            "Microsoft online store, purchases 2014-11 .. 2015-06 (2,343 users)",
            "bench/quality/data/ms-store-usage.csv.gz",
            false,
            "1c18bef96edfa8e9cbd414a84183c1aadac813f3fbc026fc6af261a11bcad8a3",
            List.of(
                "-o", "user-column=user",
                "-o", "time-column=time",
                "-o", "type=PURCHASE",
                "-o", "item-column=item",
                "-o", "category-column=category",
                "-o", "event-id-column=",
                "-o", "session-column=",
                "-o", "page-column=",
                "-o", "price-column=",
                "-o", "quantity-column=",
                "-o", "dwell-column=",
                "-o", "device-column=",
                "-o", "traffic-source-column=",
                "-o", "attributes-column="),
            List.of(
                "--target",
                "purchase",
                "--horizon",
                "30d",
                "--from",
                "2015-01-06T00:00:00Z",
                "--to",
                "2015-05-05T00:00:00Z",
                "--step",
                "7d"),
            "no prices, no sessions"));
    d.add(
        new QualityDataset(
            "cdnow",
            "CDNOW music store, orders of the Q1-1997 cohort over 18 months (23,570 customers)",
            "cdnow.csv",
            true,
            "c16d8c50ad7d03756eb18294cd1d03250e70828a1248717838d79a2b5ced1a8f",
            List.of(
                "-o", "delimiter=whitespace",
                "-o", "columns=customer,date,cds,dollars",
                "-o", "user-column=customer",
                "-o", "time-column=date",
                "-o", "time-format=yyyyMMdd",
                "-o", "type=PURCHASE",
                "-o", "price-column=dollars",
                "-o", "quantity-column=",
                "-o", "event-id-column=",
                "-o", "session-column=",
                "-o", "page-column=",
                "-o", "item-column=",
                "-o", "category-column=",
                "-o", "dwell-column=",
                "-o", "device-column=",
                "-o", "traffic-source-column=",
                "-o", "attributes-column="),
            List.of(
                "--target",
                "purchase",
                "--horizon",
                "30d",
                "--from",
                "2025-04-01T00:00:00Z",
                "--to",
                "2026-05-26T00:00:00Z",
                "--step",
                "14d",
                "--sample",
                "120000"),
            "dates moved 28 years later (SOURCES.md); a day per order, the order's dollars as its"
                + " price; a seeded sample of 120,000 training-set rows"));
    d.add(
        new QualityDataset(
            "grocery",
            "online grocery retailer, purchase days of the Q1-2006 cohort over 2 years (1,525"
                + " customers)",
            "grocery.csv",
            true,
            "50680097e68ec64f8512f9d9e3a904cebfc0710b7e6cde52580549cb88c03a18",
            List.of(
                "-o", "user-column=cust",
                "-o", "time-column=date",
                "-o", "time-format=yyyy-MM-dd",
                "-o", "type=PURCHASE",
                "-o", "event-id-column=",
                "-o", "session-column=",
                "-o", "page-column=",
                "-o", "item-column=",
                "-o", "category-column=",
                "-o", "price-column=",
                "-o", "quantity-column=",
                "-o", "dwell-column=",
                "-o", "device-column=",
                "-o", "traffic-source-column=",
                "-o", "attributes-column="),
            List.of(
                "--target",
                "purchase",
                "--horizon",
                "30d",
                "--from",
                "2006-04-04T00:00:00Z",
                "--to",
                "2007-11-27T00:00:00Z",
                "--step",
                "14d"),
            "customer and day only"));
    // A clickstream of 9 days: will an active user buy within 2 days? Cutoffs every 6 hours.
    d.add(
        new QualityDataset(
            "taobao",
            "Taobao marketplace, clickstream of 814 users over 9 days",
            "taobao.csv",
            true,
            "6f7023508e9c8eba2b067afb116771329c4ef8860112f88415daf22e97726a09",
            List.of(
                "-o", "columns=user,item,category,behavior,ts",
                "-o", "user-column=user",
                "-o", "item-column=item",
                "-o", "category-column=category",
                "-o", "type-column=behavior",
                "-o", "time-column=ts",
                "-o", "time-format=EPOCH_SECONDS",
                "-o", "type-map=pv=PRODUCT_VIEW,cart=ADD_TO_CART,buy=PURCHASE,fav=PAGE_VIEW",
                "-o", "event-id-column=",
                "-o", "session-column=",
                "-o", "page-column=",
                "-o", "price-column=",
                "-o", "quantity-column=",
                "-o", "dwell-column=",
                "-o", "device-column=",
                "-o", "traffic-source-column=",
                "-o", "attributes-column="),
            List.of(
                "--target",
                "purchase",
                "--horizon",
                "2d",
                "--from",
                "2017-11-26T16:00:00Z",
                "--to",
                "2017-12-01T16:00:00Z",
                "--step",
                "6h"),
            "favourites imported as page views; no prices, no sessions (inferred from 30-minute"
                + " gaps)"));
    // Three hours of a store's clickstream: will the session going on end in a purchase?
    d.add(
        new QualityDataset(
            "rees46-3h",
            "multi-category store (REES46), clickstream 2019-10-01 00:00-02:50 UTC (4,506 users)",
            "rees46-3h.csv",
            true,
            "6b4691437a204c13d461783838103862a2e6620c5db3be2e94ba4f9c7eb7f0c4",
            List.of("--format", "rees46"),
            List.of(
                "--target",
                "session-conversion",
                "--from",
                "2019-10-01T00:00:00Z",
                "--to",
                "2019-10-01T02:50:00Z",
                "--step",
                "10m"),
            "in-session target: a row after every few events of each session"));
    // A table of sessions with a label.
    d.add(
        new QualityDataset(
            "online-shoppers",
            "online shop, one row per session over a year (12,330 sessions; label Revenue)",
            "bench/quality/data/online-shoppers-intention.csv.gz",
            false,
            "2cd1014c30255d4a0263ba6c79ca864732357e546bf276a408082ac6d349b1e9",
            List.of(),
            List.of(
                "--label", "Revenue",
                "--categorical",
                    "Month,VisitorType,Weekend,OperatingSystems,Browser,Region,TrafficType"),
            "a fixed split column added by the benchmark (SplitColumn, trained with"
                + " --split-column): 20 % test, 15 % of the rest validation"));
    d.add(
        new QualityDataset(
            "online-shoppers-no-pv",
            "the same sessions without PageValues (close to a label leak)",
            "bench/quality/data/online-shoppers-intention.csv.gz",
            false,
            "2cd1014c30255d4a0263ba6c79ca864732357e546bf276a408082ac6d349b1e9",
            List.of(),
            List.of(
                "--label", "Revenue",
                "--categorical",
                    "Month,VisitorType,Weekend,OperatingSystems,Browser,Region,TrafficType",
                "--ignore", "PageValues"),
            "the same split"));
    return List.copyOf(d);
  }
}
