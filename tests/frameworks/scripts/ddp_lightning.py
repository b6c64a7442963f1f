"""Lightning DDP on 2 CPU processes (gloo) under torchrun, logging through DVCLiveLogger."""

import os
import sys

import lightning as L
import torch
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

from dvclive_writer.lightning import DVCLiveLogger


class Regression(L.LightningModule):
    def __init__(self, lr: float = 0.1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.layer = torch.nn.Linear(4, 1)

    def training_step(self, batch, _):  # type: ignore[no-untyped-def]
        loss = F.mse_loss(self.layer(batch[0]), batch[1])
        self.log("train_loss", loss, on_step=True, on_epoch=True, sync_dist=True)
        return loss

    def configure_optimizers(self):  # type: ignore[no-untyped-def]
        return torch.optim.SGD(self.parameters(), lr=self.hparams["lr"])


L.seed_everything(0, verbose=False)
data = TensorDataset(torch.randn(32, 4), torch.randn(32, 1))
trainer = L.Trainer(
    accelerator="cpu",
    devices=2,
    strategy="ddp",
    max_epochs=2,
    log_every_n_steps=1,
    logger=DVCLiveLogger(dir="run", report=None),
    enable_checkpointing=False,
    enable_progress_bar=False,
    enable_model_summary=False,
)
trainer.fit(Regression(), DataLoader(data, batch_size=4))
print(f"rank {os.environ['RANK']} of {trainer.world_size} done", file=sys.stderr)
