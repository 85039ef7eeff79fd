"""Writes the small data sets the example notebooks read (run from anywhere):

    python3 examples/data/make_data.py

Synthetic tables come from a fixed-seed numpy RandomState (whose stream numpy keeps stable across
versions) and are rounded before writing, so the CSV bytes are reproducible. iris.csv and wine.csv
are the classic UCI tables that ship inside scikit-learn (no download), as are cancer.csv and
digits.csv (cut down).

The tables of the first examples are written with float_format="%.6g"; those of the later ones
(cancer, digits, quality, vineyards, telco) with pandas' own float format, which keeps `1001.0`
as it is: changing either would change bytes the saved notebook outputs were computed from.
"""
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_classification

HERE = Path(__file__).resolve().parent


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def churn(n=2000, seed=7):
    """Telco-style customers; `churned` = 1 when the customer left within the quarter."""
    rng = np.random.RandomState(seed)
    tenure = rng.randint(1, 73, n)
    contract = rng.choice(["month-to-month", "one_year", "two_year"], n, p=[0.55, 0.25, 0.20])
    internet = rng.choice(["fiber", "dsl", "none"], n, p=[0.45, 0.35, 0.20])
    base = np.select([internet == "fiber", internet == "dsl"], [rng.uniform(70, 110, n), rng.uniform(45, 75, n)],
                     rng.uniform(19, 30, n))
    monthly = np.round(base + rng.normal(0, 3, n), 2)
    total = np.round(tenure * monthly * rng.uniform(0.97, 1.03, n), 2).astype(object)
    # like the well-known Telco table: a few brand-new customers have a blank total
    total[rng.rand(n) < 0.015] = ""
    support_calls = rng.poisson(1.0 + 0.8 * (internet == "fiber"))
    paperless = rng.choice(["yes", "no"], n, p=[0.6, 0.4])
    payment = rng.choice(["electronic_check", "mailed_check", "bank_transfer", "credit_card"], n,
                         p=[0.35, 0.2, 0.22, 0.23])
    senior = (rng.rand(n) < 0.16).astype(int)
    logit = (-1.6 + 1.9 * (contract == "month-to-month") - 1.2 * (contract == "two_year")
             + 1.0 * (internet == "fiber") - 0.05 * tenure + 0.5 * support_calls
             + 0.6 * (payment == "electronic_check") + 0.5 * senior + 0.3 * (paperless == "yes")
             + rng.normal(0, 0.3, n))
    churned = (rng.rand(n) < _sigmoid(logit)).astype(int)
    return pd.DataFrame({
        "customer_id": [f"C{10000 + i}" for i in range(n)],
        "tenure_months": tenure,
        "contract": contract,
        "internet_service": internet,
        "monthly_charges": monthly,
        "total_charges": total,
        "support_calls": support_calls,
        "paperless_billing": paperless,
        "payment_method": payment,
        "senior_citizen": senior,
        "churned": churned,
    })


def housing(n=1500, seed=11):
    """House sales; `price` in dollars."""
    rng = np.random.RandomState(seed)
    hoods = np.array(["riverside", "old_town", "hillcrest", "eastgate", "northfield"])
    hood_factor = dict(zip(hoods, [1.25, 1.10, 1.35, 0.85, 0.95]))
    neighborhood = rng.choice(hoods, n, p=[0.2, 0.2, 0.15, 0.25, 0.2])
    area = np.clip(rng.normal(1650, 520, n), 450, 4800).round().astype(int)
    bedrooms = np.clip(np.round(area / 600 + rng.normal(0, 0.7, n)), 1, 6).astype(int)
    bathrooms = np.clip(np.round((bedrooms * 0.6 + rng.normal(0.4, 0.5, n)) * 2) / 2, 1, 4)
    year_built = rng.randint(1920, 2023, n)
    lot = np.round(area * rng.uniform(1.5, 4.5, n), -1).astype(int).astype(object)
    lot[rng.rand(n) < 0.03] = ""
    garage = (rng.rand(n) < 0.65).astype(int)
    distance = np.round(rng.gamma(2.2, 3.0, n), 1)
    condition = rng.choice([1, 2, 3, 4, 5], n, p=[0.05, 0.15, 0.4, 0.3, 0.1])
    age = 2024 - year_built
    price = ((55_000 + 140 * area + 11_000 * bathrooms + 9_000 * condition - 2_800 * distance
              + 14_000 * garage - 280 * age)
             * np.vectorize(hood_factor.get)(neighborhood) * rng.lognormal(0, 0.09, n))
    return pd.DataFrame({
        "house_id": np.arange(1, n + 1),
        "neighborhood": neighborhood,
        "area_sqft": area,
        "bedrooms": bedrooms,
        "bathrooms": bathrooms,
        "year_built": year_built,
        "lot_sqft": lot,
        "garage": garage,
        "distance_to_center_km": distance,
        "condition": condition,
        "price": np.round(price, -2).astype(int),
    })


def credit(n=2000, seed=23):
    """Personal loans; `defaulted` = 1 when the loan went 90 days past due."""
    rng = np.random.RandomState(seed)
    age = rng.randint(21, 76, n)
    income = np.round(rng.lognormal(10.9, 0.45, n), -2).astype(int)
    term = rng.choice([12, 24, 36, 48, 60], n, p=[0.1, 0.2, 0.35, 0.15, 0.2])
    amount = np.round(np.clip(income * rng.uniform(0.05, 0.6, n), 1000, 60000), -2).astype(int)
    score = np.clip(rng.normal(680, 70, n), 300, 850).round().astype(int)
    accounts = rng.poisson(4, n)
    employed = np.clip(np.round(rng.exponential(6, n), 1), 0, age - 18)
    home = rng.choice(["rent", "mortgage", "own"], n, p=[0.45, 0.4, 0.15])
    purpose = rng.choice(["debt_consolidation", "car", "home_improvement", "education", "business", "other"], n,
                         p=[0.4, 0.15, 0.15, 0.1, 0.1, 0.1])
    monthly_payment = amount / term
    dti = monthly_payment * 12 / income
    logit = (-2.2 - 0.018 * (score - 680) + 6.0 * (dti - 0.15) + 0.01 * (term - 36)
             - 0.08 * employed + 0.5 * (home == "rent") + 0.7 * (purpose == "business")
             + 0.1 * (accounts - 4) + rng.normal(0, 0.3, n))
    defaulted = (rng.rand(n) < _sigmoid(logit)).astype(int)
    return pd.DataFrame({
        "loan_id": [f"L{200000 + i}" for i in range(n)],
        "age": age,
        "annual_income": income,
        "loan_amount": amount,
        "term_months": term,
        "credit_score": score,
        "open_accounts": accounts,
        "years_employed": employed,
        "home_ownership": home,
        "purpose": purpose,
        "defaulted": defaulted,
    })


def sales(stores=5, days=365, seed=31):
    """Daily unit sales per store for one year."""
    rng = np.random.RandomState(seed)
    dates = pd.date_range("2023-01-01", periods=days, freq="D")
    regions = ["north", "north", "south", "east", "west"]
    rows = []
    for s in range(stores):
        base = rng.uniform(80, 220)
        promo = (rng.rand(days) < 0.18).astype(int)
        holiday = dates.strftime("%m-%d").isin(["01-01", "04-07", "05-29", "07-04", "09-04", "11-23", "12-25"])
        temperature = np.round(12 + 11 * np.sin(2 * np.pi * (dates.dayofyear - 105) / 365)
                               + rng.normal(0, 3, days), 1)
        weekday_factor = np.array([0.9, 0.85, 0.9, 0.95, 1.1, 1.35, 1.25])[dates.dayofweek]
        season = 1 + 0.15 * np.sin(2 * np.pi * (dates.dayofyear - 300) / 365)
        mean = base * weekday_factor * season * (1 + 0.35 * promo) * np.where(holiday, 0.6, 1.0) \
            * (1 + 0.006 * (temperature - 12))
        units = rng.poisson(np.maximum(mean, 1))
        price = np.round(rng.normal(4.5, 0.15, days) * np.where(promo == 1, 0.85, 1.0), 2)
        rows.append(pd.DataFrame({
            "date": dates.strftime("%Y-%m-%d"),
            "store_id": f"S{s + 1:02d}",
            "region": regions[s % len(regions)],
            "promo": promo,
            "holiday": holiday.astype(int),
            "temperature_c": temperature,
            "avg_price": price,
            "units_sold": units,
        }))
    return pd.concat(rows, ignore_index=True)


def iris():
    data = load_iris(as_frame=True)
    frame = data.frame.rename(columns={
        "sepal length (cm)": "sepal_length", "sepal width (cm)": "sepal_width",
        "petal length (cm)": "petal_length", "petal width (cm)": "petal_width",
    })
    frame["species"] = data.target_names[frame.pop("target")]
    return frame


def wine():
    data = load_wine(as_frame=True)
    frame = data.frame.rename(columns=lambda c: c.replace("/", "_").replace(" ", "_").lower())
    frame = frame.rename(columns={"od280_od315_of_diluted_wines": "od280_od315", "target": "cultivar"})
    return frame


def cancer():
    """Wisconsin breast cancer biopsies: the ten `mean_*` features and `target` (0 malignant, 1 benign)."""
    frame = load_breast_cancer(as_frame=True).frame
    frame = frame.iloc[:, list(range(10)) + [-1]]
    frame.columns = [c.replace(" ", "_") for c in frame.columns]
    return frame


def digits(rows=600):
    """Handwritten digits (8x8, grey levels 0-16): every fourth pixel (`px0`..`px15`) and `label`."""
    pixels, label = load_digits(return_X_y=True)
    pixels = pixels[:, ::4]
    frame = pd.DataFrame(pixels, columns=[f"px{i}" for i in range(pixels.shape[1])]).astype(int)
    frame["label"] = label
    return frame.iloc[:rows]


def wine_quality(n=350, seed=3):
    """Standardised wine measurements; `good` = 1 for a good wine. `sugar` is missing on every 37th row."""
    features, good = make_classification(n_samples=n, n_features=6, n_informative=4, random_state=seed,
                                         weights=[0.6])
    frame = pd.DataFrame(features.round(3),
                         columns=["acidity", "sugar", "chlorides", "sulphates", "alcohol", "density"])
    frame["good"] = good
    frame.loc[::37, "sugar"] = np.nan
    return frame


def vineyards(n=350, seed=2):
    """The vineyard (A-D) of each row of quality.csv, by row number: a second table to join."""
    return pd.DataFrame({"row": range(n), "vineyard": np.random.RandomState(seed).choice(list("ABCD"), n)})


def telco(n=300, seed=21):
    """A small churn table; `monthly` is blank on every 17th row (dropped by telco-directives.ipynb)."""
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame({
        "tenure": rng.randint(1, 72, n),
        "monthly": rng.uniform(20, 120, n).round(2),
        "contract": rng.choice(["month", "year", "two_year"], n),
        "tickets": rng.poisson(1.5, n),
    })
    logit = (-1 + 0.03 * frame.monthly - 0.05 * frame.tenure + 0.4 * frame.tickets
             + (frame.contract == "month") * 1.2)
    frame["churned"] = (rng.uniform(size=n) < _sigmoid(logit)).astype(int)
    frame.loc[::17, "monthly"] = np.nan
    return frame


def main():
    tables = {
        "churn.csv": churn(),
        "housing.csv": housing(),
        "credit.csv": credit(),
        "sales.csv": sales(),
        "iris.csv": iris(),
        "wine.csv": wine(),
    }
    exact = {
        "cancer.csv": cancer(),
        "digits.csv": digits(),
        "quality.csv": wine_quality(),
        "vineyards.csv": vineyards(),
        "telco.csv": telco(),
    }
    for name, frame in [*tables.items(), *exact.items()]:
        path = HERE / name
        frame.to_csv(path, index=False, float_format="%.6g" if name in tables else None, lineterminator="\n")
        print(f"{path.name}: {len(frame)} rows, {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
