"""transformers' own DVCLiveCallback (``report_to="dvclive"``) on a tiny regression model."""

import sys

sys.path.insert(0, sys.argv[1])  # the repository root, for tests.frameworks.hf_model

from tests.frameworks.hf_model import regression_trainer

trainer = regression_trainer("out", report_to="dvclive")
trainer.train()
print("dvclive served by", sys.modules["dvclive"].__name__)
