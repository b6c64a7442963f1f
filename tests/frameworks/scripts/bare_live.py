"""Every rank of a 2-process gloo job makes a bare ``Live("run")`` and logs in lockstep."""

import os

import torch.distributed as dist

from dvclive_writer import Live

dist.init_process_group("gloo")
rank = dist.get_rank()
live = Live("run", report=None)
# Both ranks have made (and, without the guard, cleared) the run before either logs: a
# rank that starts late would otherwise delete the files the other one writes.
dist.barrier()
live.log_param("rank", rank)
for step in range(5):
    live.log_metric("rank", rank)
    live.log_metric("loss", 1.0 / (step + 1))
    dist.barrier()
    live.next_step()
    dist.barrier()
live.end()
print(f"rank {rank} pid {os.getpid()} step {live.step}")
dist.destroy_process_group()
