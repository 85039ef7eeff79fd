# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.16.4
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Wine cultivars
#
# Which of three cultivars did a wine come from, given its chemical analysis (`data/wine.csv`, the
# UCI wine table)? A **jupytext percent script**: every `# %%` line starts a cell and its
# `tags=[...]` are the cell's tags, so this file is a notebook for Notebook Promoter and a plain
# Python script for everyone else (`python3 wine-percent.py`, run from `examples/`).

# %% tags=["imports"]
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# %% tags=["parameters"]
data_path = "data/wine.csv"
test_size = 0.3
regularization = 0.5
random_state = 3

# %% [markdown]
# ## Load

# %% tags=["step:load"]
wine = pd.read_csv(data_path)
print(f"{len(wine)} wines, {wine['cultivar'].nunique()} cultivars")

# %% tags=["skip"]
wine.groupby("cultivar")[["alcohol", "flavanoids", "color_intensity", "proline"]].mean().round(2)

# %% [markdown]
# ## Features
#
# Two ratios the chemists use alongside the raw measurements.

# %% tags=["step:features"]
wine["flavanoid_share"] = wine["flavanoids"] / wine["total_phenols"]
wine["color_hue"] = wine["color_intensity"] * wine["hue"]
X = wine.drop(columns=["cultivar"])
y = wine["cultivar"]

# %% tags=["step:split"]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=test_size, stratify=y, random_state=random_state
)

# %% [markdown]
# ## Train and evaluate

# %% tags=["step:train", "after:split"]
model = make_pipeline(
    StandardScaler(),
    LogisticRegression(C=regularization, max_iter=1000, random_state=random_state),
)
model.fit(X_train, y_train)

# %% tags=["step:evaluate"]
predicted = model.predict(X_test)
probabilities = model.predict_proba(X_test)

# %% tags=["metrics"]
accuracy = accuracy_score(y_test, predicted)
f1_macro = f1_score(y_test, predicted, average="macro")
logloss = log_loss(y_test, probabilities)
print(f"accuracy={accuracy:.4f} f1_macro={f1_macro:.4f} log_loss={logloss:.4f}")

# %% tags=["test"]
assert not X.isna().any().any()
assert set(X_train.index).isdisjoint(X_test.index)
assert accuracy > 0.9, accuracy
assert logloss < 0.3, logloss
