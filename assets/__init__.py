

import warnings

from dagster import BetaWarning

# Observable source assets, backfill policies and Output(data_version=...) are marked beta.
warnings.filterwarnings("ignore", category=BetaWarning)
