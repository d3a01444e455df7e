#!/usr/bin/python3
"""A plain scikit-learn / XGBoost run on a table with a fixed split column, as the quality
benchmark's outside reference for tabular data sets.

It reads the very file the benchmark trains Propensity on (the data set with the `split` column
that bench/src/.../quality/SplitColumn wrote: train / validation / test per row), so both see the
same rows. Three models, none tuned on the test rows:

  * logistic regression (scikit-learn; one-hot categoricals, standardised numbers),
  * XGBoost with its default parameters, boosting rounds stopped early on the validation rows,
  * XGBoost with a random search of 20 parameter sets, chosen by validation log loss.

Each model's threshold for the positive-class F1 is the one that maximises F1 on the validation
rows. Test metrics: ROC-AUC, PR-AUC (average precision), F1, log loss, Brier score, each with a
95% percentile bootstrap interval over test rows (1,000 resamples).

Needs Debian's python3-xgboost, python3-sklearn and python3-pandas:
  apt-get install -y python3-xgboost python3-sklearn python3-pandas
Usage (prints Markdown; --json writes one object per model):
  /usr/bin/python3 bench/quality/reference/xgboost_reference.py FILE.csv --label Revenue \
      --categorical Month,VisitorType,Weekend,OperatingSystems,Browser,Region,TrafficType \
      [--drop PageValues] [--split-column split] [--seed 42] [--json OUT.json]
"""

import argparse
import json
import sys

import numpy as np
import pandas as pd
import sklearn
import xgboost
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (average_precision_score, brier_score_loss, f1_score, log_loss,
                             roc_auc_score)
from scipy.stats import rankdata
from sklearn.preprocessing import StandardScaler

TRUE_WORDS = {"1", "true", "yes", "y", "t"}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("csv")
    p.add_argument("--label", required=True)
    p.add_argument("--categorical", default="")
    p.add_argument("--drop", default="")
    p.add_argument("--split-column", default="split")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--trials", type=int, default=20)
    p.add_argument("--bootstrap", type=int, default=1000)
    p.add_argument("--json", default="")
    return p.parse_args(argv)


def names(csv_list):
    return [c.strip() for c in csv_list.split(",") if c.strip()]


def design(frame, categorical, train_mask):
    """One-hot categoricals with the categories seen in the train rows; numbers as they are."""
    parts = []
    for col in frame.columns:
        if col in categorical:
            values = frame[col].astype(str)
            for level in sorted(values[train_mask].unique()):
                parts.append((values == level).astype(float).rename(f"{col}={level}"))
        else:
            parts.append(pd.to_numeric(frame[col], errors="coerce").astype(float))
    return pd.concat(parts, axis=1)


def best_f1_threshold(y, p):
    order = np.argsort(-p)
    ys, ps = y[order], p[order]
    tp = np.cumsum(ys)
    fp = np.cumsum(1 - ys)
    positives = ys.sum()
    f1 = 2 * tp / (tp + fp + positives)
    # only where the score changes: a threshold sits between distinct scores
    last = np.r_[ps[1:] != ps[:-1], True]
    i = int(np.argmax(np.where(last, f1, -1)))
    return float(ps[i])


def metrics(y, p, threshold):
    """Test metrics in plain numpy (fast enough for 1,000 resamples); the point estimates agree
    with scikit-learn's roc_auc_score, average_precision_score, f1_score, log_loss and
    brier_score_loss."""
    positives = y.sum()
    negatives = len(y) - positives
    ranks = rankdata(p)
    roc_auc = (ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    order = np.argsort(-p, kind="mergesort")
    ys, ps = y[order], p[order]
    tp = np.cumsum(ys)
    seen = np.arange(1, len(ys) + 1)
    last = np.r_[ps[1:] != ps[:-1], True]  # the end of each run of equal scores
    tp_at, seen_at = tp[last], seen[last]
    recall_step = np.diff(np.r_[0, tp_at]) / positives
    pr_auc = float(np.sum(recall_step * tp_at / seen_at))
    decided = p >= threshold
    hits = np.sum(decided & (y == 1))
    f1 = 2 * hits / (decided.sum() + positives) if decided.sum() + positives else 0.0
    clipped = np.clip(p, 1e-15, 1 - 1e-15)
    loss = -np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    return {"roc_auc": float(roc_auc), "pr_auc": pr_auc, "f1": float(f1),
            "log_loss": float(loss), "brier": float(np.mean((p - y) ** 2))}


def check_against_sklearn(y, p, threshold):
    ours = metrics(y, p, threshold)
    theirs = {
        "roc_auc": roc_auc_score(y, p),
        "pr_auc": average_precision_score(y, p),
        "f1": f1_score(y, (p >= threshold).astype(int), zero_division=0),
        "log_loss": log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1]),
        "brier": brier_score_loss(y, p),
    }
    for k, v in theirs.items():
        if abs(ours[k] - v) > 1e-9:
            raise AssertionError(f"{k}: {ours[k]} here, {v} by scikit-learn")


def with_intervals(y, p, threshold, rounds, seed):
    check_against_sklearn(y, p, threshold)
    point = metrics(y, p, threshold)
    rng = np.random.default_rng(seed)
    draws = {k: [] for k in point}
    n = len(y)
    for _ in range(rounds):
        idx = rng.integers(0, n, n)
        if y[idx].min() == y[idx].max():
            continue
        for k, v in metrics(y[idx], p[idx], threshold).items():
            draws[k].append(v)
    return {
        k: {"value": point[k], "low": float(np.percentile(draws[k], 2.5)),
            "high": float(np.percentile(draws[k], 97.5))}
        for k in point
    }


def xgb(params, seed):
    return xgboost.XGBClassifier(
        n_estimators=2000, early_stopping_rounds=50, eval_metric="logloss", tree_method="hist",
        random_state=seed, n_jobs=2, **params)


def main(argv):
    a = parse_args(argv)
    frame = pd.read_csv(a.csv, dtype=str, keep_default_na=False)
    split = frame.pop(a.split_column).str.strip().str.lower()
    y_all = frame.pop(a.label).str.strip().str.lower().isin(TRUE_WORDS).astype(int).to_numpy()
    for col in names(a.drop):
        frame.pop(col)
    categorical = set(names(a.categorical))
    train, valid, test = (split == "train").to_numpy(), (split == "validation").to_numpy(), (
        split == "test").to_numpy()
    x_all = design(frame, categorical, train)
    x_tr, x_va, x_te = x_all[train], x_all[valid], x_all[test]
    y_tr, y_va, y_te = y_all[train], y_all[valid], y_all[test]
    print(f"rows: train {train.sum()}, validation {valid.sum()}, test {test.sum()} "
          f"({y_te.sum()} positive); {x_all.shape[1]} columns after one-hot; "
          f"xgboost {xgboost.__version__}, scikit-learn {sklearn.__version__}", file=sys.stderr)

    results = []

    scaler = StandardScaler().fit(x_tr.fillna(0))
    logistic = LogisticRegression(max_iter=5000).fit(scaler.transform(x_tr.fillna(0)), y_tr)
    p_va = logistic.predict_proba(scaler.transform(x_va.fillna(0)))[:, 1]
    p_te = logistic.predict_proba(scaler.transform(x_te.fillna(0)))[:, 1]
    results.append(("scikit-learn logistic regression", best_f1_threshold(y_va, p_va), p_te, {}))

    plain = xgb({}, a.seed).fit(x_tr, y_tr, eval_set=[(x_va, y_va)], verbose=False)
    p_va = plain.predict_proba(x_va)[:, 1]
    p_te = plain.predict_proba(x_te)[:, 1]
    results.append(("XGBoost, default parameters", best_f1_threshold(y_va, p_va), p_te,
                    {"rounds": int(plain.best_iteration) + 1}))

    rng = np.random.default_rng(a.seed)
    best = None
    for _ in range(a.trials):
        params = {
            "max_depth": int(rng.integers(2, 9)),
            "learning_rate": float(10 ** rng.uniform(-2, -0.5)),
            "min_child_weight": float(10 ** rng.uniform(0, 1.5)),
            "subsample": float(rng.uniform(0.6, 1.0)),
            "colsample_bytree": float(rng.uniform(0.5, 1.0)),
            "reg_lambda": float(10 ** rng.uniform(-1, 1.5)),
        }
        model = xgb(params, a.seed).fit(x_tr, y_tr, eval_set=[(x_va, y_va)], verbose=False)
        loss = log_loss(y_va, np.clip(model.predict_proba(x_va)[:, 1], 1e-15, 1 - 1e-15))
        if best is None or loss < best[0]:
            best = (loss, model, params)
    tuned = best[1]
    p_va = tuned.predict_proba(x_va)[:, 1]
    p_te = tuned.predict_proba(x_te)[:, 1]
    results.append((f"XGBoost, {a.trials}-trial random search", best_f1_threshold(y_va, p_va),
                    p_te, {"rounds": int(tuned.best_iteration) + 1, **best[2]}))

    out = []
    print("| reference model | ROC-AUC | PR-AUC | F1 | log loss | Brier |")
    print("|---|---|---|---|---|---|")
    for name, threshold, p, extra in results:
        m = with_intervals(y_te, p, threshold, a.bootstrap, a.seed)
        cell = lambda k: f"{m[k]['value']:.3f} [{m[k]['low']:.3f}, {m[k]['high']:.3f}]"
        print(f"| {name} | {cell('roc_auc')} | {cell('pr_auc')} | {cell('f1')} | "
              f"{cell('log_loss')} | {cell('brier')} |")
        out.append({"model": name, "threshold": threshold, "metrics": m, "settings": extra,
                    "test_rows": int(test.sum()), "test_positives": int(y_te.sum()),
                    "xgboost": xgboost.__version__, "scikit_learn": sklearn.__version__})
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
