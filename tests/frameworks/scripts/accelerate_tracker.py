"""accelerate's DVCLiveTracker (``log_with="dvclive"``) logging a few steps."""

import sys

from accelerate import Accelerator

accelerator = Accelerator(log_with="dvclive", cpu=True)
accelerator.init_trackers(
    "tiny", config={"lr": 0.1}, init_kwargs={"dvclive": {"dir": "run", "report": None}}
)
for step in range(4):
    accelerator.log({"train/loss": 1.0 / (step + 1), "lr": 0.1}, step=step)
accelerator.end_training()
print("dvclive served by", sys.modules["dvclive"].__name__)
